#include "hub/curl/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/curl/easy_options.h"
#include "hub/curl/tls_material.h"
#include "hub/tls/certificate.h"
#include "hub/tls/tls_profile.h"

namespace hub::curl {
namespace {

using EasyPtr = CPtr<CURL, curl_easy_cleanup>;
using SlistPtr = CPtr<curl_slist, curl_slist_free_all>;
using UrlPtr = CPtr<CURLU, curl_url_cleanup>;

constexpr long kMaxIdleSessionSeconds = 60;  // a kept session older than this is not reused

// An envelope address goes into "MAIL FROM:<...>" / "RCPT TO:<...>" verbatim: no controls,
// spaces or angle brackets (the channel validates addresses; this is the last line of defence).
bool envelopeSafe(const std::string& a) {
  if (a.empty()) return false;
  for (char c : a) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>') return false;
  }
  return true;
}

SmtpTransport classify(CURLcode code, int smtp_code) {
  switch (code) {
    case CURLE_OK:
      return SmtpTransport::kNone;
    case CURLE_USE_SSL_FAILED:
      return SmtpTransport::kNoStartTls;
    case CURLE_COULDNT_RESOLVE_HOST:
      return SmtpTransport::kDns;
    case CURLE_COULDNT_CONNECT:
      return SmtpTransport::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return SmtpTransport::kTimeout;
    case CURLE_LOGIN_DENIED:
      return SmtpTransport::kLogin;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return SmtpTransport::kTls;
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      // libcurl reports a refused MAIL FROM, RCPT TO or DATA with these codes: the reply decides.
      if (smtp_code >= 400) return SmtpTransport::kNone;
      return code == CURLE_SEND_ERROR ? SmtpTransport::kSend : SmtpTransport::kReceive;
    default:
      return SmtpTransport::kOther;
  }
}

}  // namespace

const char* transportName(SmtpTransport t) {
  switch (t) {
    case SmtpTransport::kNone:
      return "none";
    case SmtpTransport::kDns:
      return "dns";
    case SmtpTransport::kConnect:
      return "connect";
    case SmtpTransport::kTimeout:
      return "timeout";
    case SmtpTransport::kNoStartTls:
      return "no_starttls";
    case SmtpTransport::kTls:
      return "tls";
    case SmtpTransport::kLogin:
      return "login";
    case SmtpTransport::kSend:
      return "send";
    case SmtpTransport::kReceive:
      return "receive";
    case SmtpTransport::kOther:
      return "other";
  }
  return "?";
}

struct SmtpClient::Settings {
  std::string url;
  std::string scheme;  // smtp | smtps
  std::string ca_bundle;
  std::string client_cert_pem, client_key_pem;
  std::string profile;
  std::string user, password;  // the password never leaves this struct and libcurl
  long connect_timeout_ms = 0, request_timeout_ms = 0;
  int max_handles = 1;
};

// One easy handle with its per-call state; used by one thread at a time and never moved while
// alive (curl keeps pointers to it).
struct SmtpClient::Handle {
  EasyPtr easy;
  char error[CURL_ERROR_SIZE] = {};
  std::string profile;
  std::string ctx_error;
  std::string_view message;  // the bytes being sent by this call
  size_t sent = 0;
};

namespace {

size_t onRead(char* buffer, size_t size, size_t count, void* user) {
  auto* h = static_cast<SmtpClient::Handle*>(user);
  const size_t n = std::min(size * count, h->message.size() - h->sent);
  std::memcpy(buffer, h->message.data() + h->sent, n);
  h->sent += n;
  return n;
}

CURLcode onSslCtx(CURL*, void* ssl_ctx, void* user) {
  auto* h = static_cast<SmtpClient::Handle*>(user);
  auto applied =
      tls::applyProfile(static_cast<ssl_ctx_st*>(ssl_ctx), h->profile, tls::Role::kClient);
  if (!applied) {
    h->ctx_error = applied.error().message;
    return CURLE_SSL_CIPHER;
  }
  return CURLE_OK;
}

Result<SmtpClient::Settings> makeSettings(const SmtpClientConfig& cfg) {
  std::vector<std::string> errors;
  SmtpClient::Settings s;
  s.url = cfg.url;
  UrlPtr url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, cfg.url.c_str(), 0) != CURLUE_OK) {
    errors.push_back("url '" + cfg.url + "' is not a valid absolute URL");
  } else {
    s.scheme = urlPart(url.get(), CURLUPART_SCHEME);
    if (s.scheme != "smtp" && s.scheme != "smtps")
      errors.push_back("url '" + cfg.url + "' must be smtp:// (STARTTLS) or smtps://");
    if (urlPart(url.get(), CURLUPART_HOST).empty()) errors.push_back("url has no host");
    if (!urlPart(url.get(), CURLUPART_USER).empty())
      errors.push_back("url must not carry credentials (use user and password_file)");
  }
  TlsMaterial m = readTlsMaterial(cfg.tls, {"tls.ca", "tls.client_certificate", "tls.client_key"},
                                  /*key_must_be_private=*/true, errors);
  s.ca_bundle = std::move(m.ca_bundle);
  s.client_cert_pem = std::move(m.client_cert_pem);
  s.client_key_pem = std::move(m.client_key_pem);
  s.profile = cfg.tls.profile.empty() ? "ncsc-sufficient" : cfg.tls.profile;
  if (!tls::isKnownProfile(s.profile))
    errors.push_back("tls.profile: unknown TLS profile '" + s.profile + "'");
  if (cfg.user.empty() != cfg.password_file.empty()) {
    errors.push_back("user and password_file must be given together");
  } else if (!cfg.user.empty()) {
    s.user = cfg.user;
    auto mode = tls::checkKeyFilePrivate(cfg.password_file);
    auto secret =
        mode ? readWholeFile(cfg.password_file) : Result<std::string>(unexpected(mode.error()));
    if (!secret) {
      errors.push_back("password_file: " + secret.error().message);
    } else {
      s.password = secret->substr(0, secret->find_first_of("\r\n"));
      if (s.password.empty()) errors.push_back("password_file: " + cfg.password_file + " is empty");
    }
  }
  s.connect_timeout_ms = static_cast<long>(cfg.connect_timeout.count());
  s.request_timeout_ms = static_cast<long>(cfg.request_timeout.count());
  if (s.connect_timeout_ms <= 0 || s.request_timeout_ms <= 0)
    errors.push_back("timeouts must be positive");
  s.max_handles = cfg.max_handles;
  if (s.max_handles < 1) errors.push_back("max_handles must be at least 1");
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors)
      message += (message.empty() ? "securemail: " : "\nsecuremail: ") + e;
    return unexpected(errc::kConfig, message);
  }
  return s;
}

}  // namespace

Result<std::unique_ptr<SmtpClient>> SmtpClient::create(const SmtpClientConfig& cfg) {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info == nullptr || info->ssl_version == nullptr ||
      std::string_view(info->ssl_version).rfind("OpenSSL", 0) != 0) {
    return unexpected(errc::kTls, "libcurl is not built with OpenSSL (CURLOPT_SSL_CTX_FUNCTION)");
  }
  auto settings = makeSettings(cfg);
  if (!settings) return unexpected(settings.error());
  std::unique_ptr<SmtpClient> client(
      new SmtpClient(std::make_unique<const Settings>(std::move(*settings))));
  auto first = client->newHandle();  // every option is checked now, not on the first mail
  if (!first) return unexpected(first.error());
  client->pool_.seed(std::move(*first));
  return client;
}

SmtpClient::SmtpClient(std::unique_ptr<const Settings> settings)
    : settings_(std::move(settings)),
      url_(settings_->url),
      pool_(settings_->max_handles, [this] { return newHandle(); }) {}

SmtpClient::~SmtpClient() = default;

uint64_t SmtpClient::connectionsOpened() const { return pool_.connectionsOpened(); }

Result<std::unique_ptr<SmtpClient::Handle>> SmtpClient::newHandle() const {
  auto h = std::make_unique<Handle>();
  h->easy.reset(curl_easy_init());
  if (!h->easy) return unexpected(errc::kTransport, "curl_easy_init failed");
  h->profile = settings_->profile;
  const Settings& s = *settings_;
  CURL* e = h->easy.get();
  bool ok = true;
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_URL, s.url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, s.scheme.c_str()));
  // Never in clear: STARTTLS is required on smtp:// (no MAIL FROM without it).
  set(curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL)));
  set(curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)));
  ok = ok && setTransportOptions(e, {s.connect_timeout_ms, s.request_timeout_ms, h->error});
  set(curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, kMaxIdleSessionSeconds));
  set(curl_easy_setopt(e, CURLOPT_UPLOAD, 1L));
  set(curl_easy_setopt(e, CURLOPT_READFUNCTION, onRead));
  set(curl_easy_setopt(e, CURLOPT_READDATA, h.get()));
  ok = ok &&
       setVerifiedTls(e, {&s.ca_bundle, &s.client_cert_pem, &s.client_key_pem, onSslCtx, h.get()});
  if (!s.user.empty()) {
    set(curl_easy_setopt(e, CURLOPT_USERNAME, s.user.c_str()));
    set(curl_easy_setopt(e, CURLOPT_PASSWORD, s.password.c_str()));
  }
  if (!ok) return unexpected(errc::kTransport, "securemail: libcurl refused an option");
  return h;
}

SmtpResult SmtpClient::send(const std::string& mail_from, const std::vector<std::string>& rcpt_to,
                            std::string_view message) {
  SmtpResult r;
  std::unique_ptr<Handle> h = pool_.acquire();
  if (!h) {
    r.curl_code = CURLE_FAILED_INIT;
    r.transport = SmtpTransport::kOther;
    r.detail = "cannot create a curl handle";
    return r;
  }
  h->error[0] = '\0';
  h->ctx_error.clear();
  h->message = message;
  h->sent = 0;
  SlistPtr rcpts;
  bool ok = !rcpt_to.empty() && envelopeSafe(mail_from);
  for (const auto& to : rcpt_to) {
    ok = ok && envelopeSafe(to);
    curl_slist* next = curl_slist_append(rcpts.get(), ("<" + to + ">").c_str());
    if (next == nullptr) {
      ok = false;
      break;
    }
    (void)rcpts.release();
    rcpts.reset(next);
  }
  CURL* e = h->easy.get();
  const std::string from = "<" + mail_from + ">";
  if (ok) {
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpts.get());
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  }
  CURLcode rc = ok ? curl_easy_perform(e) : CURLE_BAD_FUNCTION_ARGUMENT;
  long code = 0, connects = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, nullptr);
  h->message = {};

  r.curl_code = static_cast<int>(rc);
  r.smtp_code = static_cast<int>(code);
  r.transport = classify(rc, r.smtp_code);
  if (rc != CURLE_OK) {
    r.detail = !h->ctx_error.empty() ? "TLS profile: " + h->ctx_error
               : h->error[0] != '\0' ? std::string(h->error)
                                     : std::string(curl_easy_strerror(rc));
  }
  pool_.release(std::move(h), connects);
  return r;
}

}  // namespace hub::curl
