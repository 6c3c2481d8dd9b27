#include "adapters/securemail/securemail_options.h"

#include "adapters/securemail/mail_builder.h"
#include "hub/config/loader.h"

namespace hub::securemail {
namespace {

using config::MapReader;

constexpr Millis kMaxTimeout{3'600'000};

// smtp://host[:port] or smtps://host[:port], optionally a trailing "/" (curl's EHLO name path is
// not offered). Returns the problem, or "" when the URL is fine.
std::string urlProblem(const std::string& url) {
  std::string rest;
  if (url.rfind("smtp://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("smtps://", 0) == 0) {
    rest = url.substr(8);
  } else {
    return "must be smtp://host[:port] (STARTTLS) or smtps://host[:port]";
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty()) return "has no host";
  if (rest.find('@') != std::string::npos) return "must not carry credentials (use user)";
  if (rest.find_first_of("/?#") != std::string::npos) return "must not have a path or query";
  std::string host = rest, port;
  if (rest.front() == '[') {  // [IPv6]:port
    size_t close = rest.find(']');
    if (close == std::string::npos) return "has an unterminated [IPv6] host";
    host = rest.substr(0, close + 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return "has text after the [IPv6] host";
      port = rest.substr(close + 2);
    }
  } else if (size_t colon = rest.find(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '[' ||
          c == ']' || c == ':'))
      return "has an invalid host name";
  }
  if (rest.find(':') != std::string::npos && rest.front() != '[' && port.empty())
    return "has an empty port";
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return "has an invalid port";
  }
  return "";
}

// Reads an address key; reports a problem at the key. Returns "" when absent or wrong.
std::string readAddress(MapReader& r, const std::string& key, bool required) {
  std::string value = r.str(key, required);
  if (value.empty()) {
    if (r.has(key)) r.error(key, "must not be empty");
    return "";
  }
  if (auto problem = addressProblem(value)) {
    r.error(key, "address " + *problem);  // never quotes the value: it may be event data
    return "";
  }
  return value;
}

Millis readTimeout(MapReader& r, const std::string& key, Millis def) {
  Millis v = r.duration(key, def);
  if (r.has(key) && (v.count() <= 0 || v > kMaxTimeout)) {
    r.error(key, "must be more than 0 and at most 1h");
    return def;
  }
  return v;
}

}  // namespace

ChannelOptionsConstSharedPtr readSecureMailHubOptions(MapReader& r, const std::string& base_dir) {
  const size_t errors_before = r.diag().errors().size();
  auto o = std::make_shared<SecureMailHubOptions>();
  o->url = r.str("url", true);
  if (!o->url.empty()) {
    if (std::string p = urlProblem(o->url); !p.empty()) r.error("url", p);
  }
  o->from = readAddress(r, "from", true);
  o->user = r.str("user", false);
  if (!noControlChars(o->user) || o->user.find(' ') != std::string::npos)
    r.error("user", "must not hold spaces or control characters");
  o->password_file = config::resolvePath(base_dir, r.str("password_file", false));
  if (o->user.empty() != o->password_file.empty()) {
    r.error(o->user.empty() ? "password_file" : "user",
            "user and password_file must be given together");
  }

  MapReader tls = r.child("tls", true);
  o->tls.profile = tls.str("profile", false, "ncsc-sufficient");
  if (o->tls.profile != "ncsc-sufficient" && o->tls.profile != "ncsc-good")
    tls.error("profile",
              "unknown TLS profile '" + o->tls.profile + "' (known: ncsc-sufficient, ncsc-good)");
  for (const auto& ca : tls.strList("ca"))
    o->tls.ca_files.push_back(config::resolvePath(base_dir, ca));
  if (tls.valid() && o->tls.ca_files.empty())
    tls.error("ca", "at least one CA file is needed (the relay's certificate is always verified)");
  o->tls.client_cert = config::resolvePath(base_dir, tls.str("client_certificate", false));
  o->tls.client_key = config::resolvePath(base_dir, tls.str("client_key", false));
  if (o->tls.client_cert.empty() != o->tls.client_key.empty()) {
    tls.error(o->tls.client_cert.empty() ? "client_certificate" : "client_key",
              "client_certificate and client_key must be given together");
  }
  tls.finish();  // a child we made ourselves: its unknown keys are ours to report

  MapReader timeouts = r.child("timeouts");
  o->connect_timeout = readTimeout(timeouts, "connect", o->connect_timeout);
  o->request_timeout = readTimeout(timeouts, "request", o->request_timeout);
  timeouts.finish();

  if (r.diag().errors().size() != errors_before) return nullptr;
  return o;
}

ChannelOptionsConstSharedPtr readSecureMailPartnerOptions(MapReader& r, const std::string&) {
  const size_t errors_before = r.diag().errors().size();
  auto o = std::make_shared<SecureMailPartnerOptions>();
  o->address = readAddress(r, "address", true);
  // products: {<product>: {address: <address>}}. (MapReader can iterate only entries whose
  // values are mappings, so a product's recipient is a one-key mapping.)
  r.eachEntry("products", false, [&](const std::string& product, MapReader& p, config::Position) {
    std::string address = readAddress(p, "address", true);
    if (!address.empty()) o->products[product] = address;
  });
  if (r.diag().errors().size() != errors_before) return nullptr;
  return o;
}

}  // namespace hub::securemail
