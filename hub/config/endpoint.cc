#include "hub/config/endpoint.h"

#include <arpa/inet.h>

#include <optional>
#include <vector>

#include "hub/core/error_codes.h"

namespace hub::config {
namespace {

Unexpected<Error> bad(const std::string& message) { return unexpected(errc::kConfig, message); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hexValue(char c) { return isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }
bool isUnreserved(char c) { return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool isSubDelim(char c) {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}

// RFC 3986 userinfo (without the ':' that separates user and password) and path characters;
// '%' starts a percent-encoding, checked by decode().
bool userinfoChar(char c) { return isUnreserved(c) || isSubDelim(c) || c == '%'; }
bool pathChar(char c) {
  return isUnreserved(c) || isSubDelim(c) || c == '%' || c == ':' || c == '@' || c == '/';
}

std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !isHex(s[i + 1]) || !isHex(s[i + 2])) return std::nullopt;
    out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
    i += 2;
  }
  return out;
}

Result<uint16_t> parsePort(std::string_view text, PortUse use) {
  const char* range = use == PortUse::kListen ? "0..65535" : "1..65535";
  if (text.empty()) return bad("has an empty port (" + std::string(range) + ")");
  bool digits = text.size() <= 5;
  for (char c : text) digits = digits && isDigit(c);
  // The port's text is not quoted: in a mistyped URL it may be a password.
  if (!digits) return bad("the port must be a number " + std::string(range));
  unsigned long port = std::stoul(std::string(text));
  if (port > 65535 || (port == 0 && use == PortUse::kConnect))
    return bad("port " + std::to_string(port) + " is out of range " + range);
  return static_cast<uint16_t>(port);
}

// HOST of HOST:PORT or of a URL's authority, brackets already removed (`bracketed` says whether
// they were there).
Result<Endpoint> parseHost(std::string_view host, bool bracketed, PortUse use) {
  Endpoint ep;
  ep.host = std::string(host);
  if (host.empty())
    return bad(use == PortUse::kListen ? "has no host (all interfaces: 0.0.0.0 or [::])"
                                       : "has no host");
  if (bracketed) {
    in6_addr a6{};
    if (inet_pton(AF_INET6, ep.host.c_str(), &a6) != 1)
      return bad("'[" + ep.host + "]' is not an IPv6 address");
    ep.ipv6 = ep.numeric = true;
    return ep;
  }
  bool dotted = true;
  for (char c : host) {
    if (c == ':') return bad("has an IPv6 address without brackets (write [" + ep.host + "])");
    if (!isAlnum(c) && c != '-' && c != '.' && c != '_')
      return bad("host '" + ep.host + "' has a character that is not allowed in a host name");
    dotted = dotted && (isDigit(c) || c == '.');
  }
  if (dotted) {
    in_addr a4{};
    if (inet_pton(AF_INET, ep.host.c_str(), &a4) != 1)
      return bad("'" + ep.host + "' is not an IPv4 address");
    ep.numeric = true;
    return ep;
  }
  if (host.front() == '.' || host.find("..") != std::string_view::npos)
    return bad("host '" + ep.host + "' has an empty label");
  return ep;
}

// HOST:PORT, [V6]:PORT, or (with a default port) also HOST and [V6].
Result<Endpoint> parseEndpoint(std::string_view text, PortUse use,
                               std::optional<uint16_t> default_port) {
  std::string_view host = text, port;
  bool bracketed = false, has_port = false;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("has '[' without ']'");
    host = text.substr(1, close - 1);
    bracketed = true;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("has text after ']' that is not ':PORT'");
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon)
      return bad("has an IPv6 address without brackets (write [ADDRESS]:PORT)");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    has_port = true;
  }
  auto ep = parseHost(host, bracketed, use);
  if (!ep) return ep;
  if (!has_port) {
    if (!default_port) return bad("has no port (expected HOST:PORT)");
    ep->port = *default_port;
    return ep;
  }
  auto p = parsePort(port, use);
  if (!p) return unexpected(p.error());
  ep->port = *p;
  return ep;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string s;
  for (const auto& p : problems) s += (s.empty() ? "" : "; ") + p;
  return s;
}

}  // namespace

std::string Endpoint::hostPort() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool Endpoint::isLoopback() const {
  if (!numeric) return host == "localhost";
  if (!ipv6) return host.rfind("127.", 0) == 0;
  in6_addr a6{};
  return inet_pton(AF_INET6, host.c_str(), &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

Result<Endpoint> parseHostPort(std::string_view text, PortUse use) {
  return parseEndpoint(text, use, std::nullopt);
}

Result<AmqpUrl> parseAmqpUrl(std::string_view url, PortUse use) {
  AmqpUrl u;
  std::string_view rest;
  if (url.rfind("amqp://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("amqps://", 0) == 0) {
    rest = url.substr(8);
    u.tls = true;
  } else {
    return bad("must be amqp://HOST[:PORT] or amqps://HOST[:PORT]");
  }
  if (const size_t q = rest.find_first_of("?#"); q != std::string_view::npos)
    return bad(rest[q] == '?' ? "must not have a query ('?...')"
                              : "must not have a fragment ('#...')");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);

  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    const std::string_view user = userinfo.substr(0, colon);
    const std::string_view password =
        colon == std::string_view::npos ? "" : userinfo.substr(colon + 1);
    for (char c : userinfo)
      if (!userinfoChar(c) && c != ':')
        return bad("the user name or password has a character that must be percent-encoded");
    auto du = percentDecode(user);
    auto dp = percentDecode(password);
    if (!du || !dp) return bad("the user name or password has a broken percent-encoding");
    u.has_user = true;
    u.user = *du;
    u.has_password = colon != std::string_view::npos;
    u.password = *dp;
  }
  auto ep = parseEndpoint(authority, use, u.tls ? 5671 : 5672);
  if (!ep) return unexpected(ep.error());
  u.endpoint = *ep;

  if (path.size() > 1) {
    for (char c : path)
      if (!pathChar(c)) return bad("the path has a character that must be percent-encoded");
    auto vhost = percentDecode(path.substr(1));
    if (!vhost) return bad("the path has a broken percent-encoding");
    u.vhost = *vhost;
  }
  return u;
}

Result<AmqpUrl> parseAmqpListenUrl(std::string_view url) {
  auto u = parseAmqpUrl(url, PortUse::kListen);
  if (!u) return u;
  std::vector<std::string> problems;
  if (u->has_user || u->has_password)
    problems.push_back(
        "must not carry a user name or password: a listener's clients authenticate with SASL and "
        "TLS (sasl_mechanisms, tls_ca)");
  if (!u->vhost.empty()) problems.push_back("must not have a path: a listener has no virtual host");
  if (!problems.empty()) return bad(joined(problems));
  return u;
}

Result<AmqpUrl> parseAmqpConnectUrl(std::string_view url) {
  auto u = parseAmqpUrl(url, PortUse::kConnect);
  if (!u) return u;
  std::vector<std::string> problems;
  if (u->has_password)
    problems.push_back(
        "must not carry a user name or password: set user and password_file (a file holding the "
        "password) instead");
  else if (u->has_user)
    problems.push_back("must not carry a user name: set user (and password_file) instead");
  if (!u->vhost.empty())
    problems.push_back("must not have a path: virtual host '" + u->vhost +
                       "' cannot be selected (the hub uses the broker's default virtual host)");
  if (!problems.empty()) return bad(joined(problems));
  return u;
}

}  // namespace hub::config
