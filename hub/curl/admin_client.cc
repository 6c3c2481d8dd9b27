#include "hub/curl/admin_client.h"

#include <curl/curl.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/curl/easy_options.h"

namespace hub::curl {
namespace {

using EasyPtr = CPtr<CURL, curl_easy_cleanup>;
using SlistPtr = CPtr<curl_slist, curl_slist_free_all>;

constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;

bool allDigits(const std::string& s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return std::stoi(s) <= 255;
}

size_t onBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t len = size * n;
  if (body->size() + len > kMaxBodyBytes) return 0;  // aborts the transfer
  body->append(data, len);
  return len;
}

struct ParsedUrl {
  std::string scheme, host, base;  // base: the URL without a trailing '/'
};

Result<ParsedUrl> parseUrl(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return unexpected(errc::kConfig, "admin URL '" + url + "': " + why);
  };
  size_t sep = url.find("://");
  if (sep == std::string::npos) return bad("expected http://HOST:PORT or https://HOST:PORT");
  ParsedUrl p;
  p.scheme = url.substr(0, sep);
  if (p.scheme != "http" && p.scheme != "https") return bad("the scheme is http or https");
  std::string rest = url.substr(sep + 3);
  if (rest.find_first_of("?#@ ") != std::string::npos)
    return bad("no user, query, fragment or space");
  std::string authority = rest.substr(0, rest.find('/'));
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad("unclosed '['");
    p.host = authority.substr(0, close + 1);
  } else {
    p.host = authority.substr(0, authority.find(':'));
  }
  if (p.host.empty()) return bad("no host");
  p.base = url;
  while (!p.base.empty() && p.base.back() == '/') p.base.pop_back();
  return p;
}

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kIo, "cannot read CA file " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

struct AdminClient::Impl {
  EasyPtr easy;
  SlistPtr headers;
  std::string base;
  std::string ca_bundle;  // kept alive for the handle (copied by curl, CURL_BLOB_COPY)
  char error[CURL_ERROR_SIZE] = {};
  std::string body;
};

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  if (host.rfind("127.", 0) != 0) return false;
  std::istringstream parts(host);
  std::string octet;
  int n = 0;
  while (std::getline(parts, octet, '.')) {
    if (!allDigits(octet)) return false;
    ++n;
  }
  return n == 4 && host.back() != '.';
}

std::string urlEscape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

AdminClient::AdminClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdminClient::~AdminClient() = default;

Result<std::unique_ptr<AdminClient>> AdminClient::create(AdminClientOptions opts) {
  auto url = parseUrl(opts.base_url);
  if (!url) return unexpected(url.error());
  bool https = url->scheme == "https";
  if (!https && !isLoopbackHost(url->host))
    return unexpected(errc::kConfig, "admin URL '" + opts.base_url +
                                         "': plain http only to a loopback address (127.0.0.1, "
                                         "::1, localhost); use https with --ca");
  if (https && opts.ca_file.empty())
    return unexpected(errc::kConfig, "admin URL '" + opts.base_url + "': https needs --ca CA.pem");
  if (!https && !opts.ca_file.empty())
    return unexpected(errc::kConfig, "--ca is for an https admin URL");
  auto impl = std::make_unique<Impl>();
  impl->base = url->base;
  impl->easy.reset(curl_easy_init());
  if (!impl->easy) return unexpected(errc::kTransport, "curl_easy_init failed");
  CURL* e = impl->easy.get();
  EasyTransport transport{opts.timeout_ms, opts.timeout_ms, impl->error};
  bool ok = setTransportOptions(e, transport);
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, https ? "https" : "http"));
  set(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L));
  set(curl_easy_setopt(e, CURLOPT_USERAGENT, "ketenhub-cli"));
  set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody));
  set(curl_easy_setopt(e, CURLOPT_WRITEDATA, &impl->body));
  if (https) {
    auto ca = readFile(opts.ca_file);
    if (!ca) return unexpected(ca.error());
    impl->ca_bundle = std::move(*ca);
    set(curl_easy_setopt(e, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2));
    EasyTls tls;
    tls.ca_bundle = &impl->ca_bundle;
    ok = ok && setVerifiedTls(e, tls);
  }
  // curl_slist_append returns the list's head, or nullptr leaving the list as it was.
  impl->headers.reset(curl_slist_append(nullptr, "Accept: application/json"));
  bool headers_ok = impl->headers != nullptr;
  if (headers_ok && !opts.token.empty())
    headers_ok = curl_slist_append(impl->headers.get(),
                                   ("Authorization: Bearer " + opts.token).c_str()) != nullptr;
  if (!headers_ok)
    return unexpected(errc::kTransport, "out of memory building the request headers");
  set(curl_easy_setopt(e, CURLOPT_HTTPHEADER, impl->headers.get()));
  if (!ok) return unexpected(errc::kTransport, "libcurl refused an option");
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(impl)));
}

Result<AdminResponse> AdminClient::get(const std::string& path) { return request("GET", path); }
Result<AdminResponse> AdminClient::post(const std::string& path) { return request("POST", path); }

Result<AdminResponse> AdminClient::request(const char* method, const std::string& path) {
  CURL* e = impl_->easy.get();
  impl_->body.clear();
  impl_->error[0] = '\0';
  std::string url = impl_->base + path;
  bool post = std::string(method) == "POST";
  bool ok = curl_easy_setopt(e, CURLOPT_URL, url.c_str()) == CURLE_OK;
  if (post) {
    ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDS, "") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L) == CURLE_OK;
  } else {
    ok = ok && curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  }
  if (!ok) return unexpected(errc::kTransport, "libcurl refused an option");
  CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK) {
    std::string why = impl_->error[0] ? impl_->error : curl_easy_strerror(rc);
    return unexpected(errc::kTransport, "cannot reach " + impl_->base + ": " + why);
  }
  AdminResponse r;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
  r.body = std::move(impl_->body);
  return r;
}

}  // namespace hub::curl
