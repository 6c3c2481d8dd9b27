#include "adapters/print/print_options.h"

#include <memory>

#include "hub/config/loader.h"

namespace hub::adapters::print {
namespace {

// Checks every line of a list; reports positionally on `key`. Returns false on an error.
bool checkLines(config::MapReader& r, const std::string& key, const std::vector<std::string>& lines,
                size_t max_chars) {
  bool ok = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string which = "line " + std::to_string(i + 1);
    if (hasControlChars(lines[i])) {
      r.error(key, which + " holds a control character");
      ok = false;
    } else if (lines[i].find_first_not_of(' ') == std::string::npos) {
      r.error(key, which + " is empty");
      ok = false;
    } else if (max_chars > 0 && utf8Length(lines[i]) > max_chars) {
      r.error(key, which + " is longer than " + std::to_string(max_chars) +
                       " characters (it must fit the envelope window)");
      ok = false;
    }
  }
  return ok;
}

void readTls(config::MapReader& t, const std::string& base_dir, TlsConfig& tls) {
  tls.profile = t.str("profile", false, tls.profile);
  if (tls.profile != "ncsc-sufficient" && tls.profile != "ncsc-good")
    t.error("profile",
            "unknown TLS profile '" + tls.profile + "'; known: ncsc-sufficient, ncsc-good");
  for (auto& ca : t.strList("ca")) tls.ca_files.push_back(config::resolvePath(base_dir, ca));
  if (t.valid() && tls.ca_files.empty())
    t.error("ca", "at least one trust anchor (CA bundle) is required");
  tls.client_cert = config::resolvePath(base_dir, t.str("client_certificate", true));
  tls.client_key = config::resolvePath(base_dir, t.str("client_key", true));
  tls.spki_pins = t.strList("pins");
  tls.expected_oin = t.str("expected_oin", false);
  t.finish();
}

}  // namespace

bool hasControlChars(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return true;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      if (d >= 0x80 && d <= 0x9f) return true;
    }
  }
  return false;
}

size_t utf8Length(const std::string& text) {
  size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  return n;
}

ChannelOptionsConstSharedPtr readPrintHubOptions(config::MapReader& r,
                                                 const std::string& base_dir) {
  auto o = std::make_shared<PrintHubOptions>();
  config::Diagnostics& diag = r.diag();
  const size_t errors_before = diag.errors().size();
  const std::string spool = r.str("spool_dir", false);
  o->url = r.str("url", false);
  if (!spool.empty()) o->spool_dir = config::resolvePath(base_dir, spool);
  config::MapReader t = r.child("tls");
  config::MapReader to = r.child("timeouts");
  if (spool.empty() == o->url.empty()) {
    r.error(spool.empty() ? "" : "url", "set exactly one of spool_dir and url");
  } else if (!o->url.empty()) {
    if (o->url.rfind("https://", 0) != 0)
      r.error("url", "the print service must be an https:// URL");
    if (!r.has("tls")) r.error("url", "a print service needs tls (mutual TLS: client_certificate)");
    readTls(t, base_dir, o->tls);
    o->connect_timeout = to.duration("connect", o->connect_timeout);
    o->request_timeout = to.duration("request", o->request_timeout);
    to.finish();
  } else {
    if (r.has("tls")) r.error("tls", "tls belongs to url (a spool directory has no TLS)");
    if (r.has("timeouts")) r.error("timeouts", "timeouts belong to url");
  }
  o->return_address = r.str("return_address", true);
  if (r.has("return_address")) checkLines(r, "return_address", {o->return_address}, 90);
  o->sender = r.strList("sender");
  if (r.has("sender")) {
    if (o->sender.empty() || o->sender.size() > 8) r.error("sender", "expected 1..8 lines");
    checkLines(r, "sender", o->sender, 60);
  } else {
    r.error("sender", "missing required key");
  }
  o->place = r.str("place", false);
  if (!o->place.empty()) checkLines(r, "place", {o->place}, 40);
  if (diag.errors().size() != errors_before) return nullptr;
  return o;
}

ChannelOptionsConstSharedPtr readPrintPartnerOptions(config::MapReader& r,
                                                     const std::string& base_dir) {
  auto o = std::make_shared<PrintPartnerOptions>();
  config::Diagnostics& diag = r.diag();
  const size_t errors_before = diag.errors().size();
  o->address = r.strList("address");
  if (!r.has("address")) {
    r.error("address", "missing required key");
  } else if (o->address.size() < kMinAddressLines || o->address.size() > kMaxAddressLines) {
    r.error("address", "a postal address has " + std::to_string(kMinAddressLines) + ".." +
                           std::to_string(kMaxAddressLines) + " lines, got " +
                           std::to_string(o->address.size()));
  } else {
    checkLines(r, "address", o->address, kMaxAddressLineChars);
  }
  if (diag.errors().size() != errors_before) return nullptr;
  return o;
}

}  // namespace hub::adapters::print
