#include "hub/curl/https_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <string_view>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/curl/crl_store.h"
#include "hub/curl/easy_options.h"
#include "hub/curl/peer_identity.h"
#include "hub/tls/crl.h"
#include "hub/tls/expiry_registry.h"
#include "hub/tls/tls_profile.h"

namespace hub::curl {

using curl::HttpResult;
using curl::TransportError;

namespace {

using EasyPtr = CPtr<CURL, curl_easy_cleanup>;
using SlistPtr = CPtr<curl_slist, curl_slist_free_all>;

// Enough for the classifier to bound the receipt without cutting a UTF-8 sequence.
constexpr size_t kMaxBodyBytes = curl::kMaxReceiptBytes + 4;
constexpr size_t kMaxHeaderValue = 256;

const SystemTimeSource& systemClock() {
  static const SystemTimeSource clock;
  return clock;
}

bool headerIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  return true;
}

std::string headerValue(std::string_view line, size_t name_len) {
  std::string_view v = line.substr(name_len + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
    v.remove_suffix(1);
  }
  return std::string(v.substr(0, kMaxHeaderValue));
}

// Every line of a multi-line message prefixed (one line per problem).
std::string prefixLines(const std::string& prefix, const std::string& lines) {
  std::string out;
  size_t start = 0;
  while (start <= lines.size()) {
    size_t end = lines.find('\n', start);
    if (end == std::string::npos) end = lines.size();
    out += (out.empty() ? "" : "\n") + prefix + lines.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

std::string stripPrefix(std::string s, std::string_view prefix) {
  if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
  return s;
}

}  // namespace

// One easy handle with its buffers. Used by one thread at a time (between acquire and release);
// never moves while alive (curl holds pointers to it).
struct HttpsClient::Handle {
  EasyPtr easy;
  char error[CURL_ERROR_SIZE] = {};
  std::string profile;
  PeerIdentityCheck identity;
  std::string ctx_error;        // the TLS profile could not be applied
  CrlStore* crls = nullptr;     // the partner's CRLs (tls.crl); null: no revocation check
  uint64_t crl_generation = 0;  // of the CRLs the cached connection was verified with
  std::string crl_error;        // no usable CRL: the connection was not made
  // Per-request state: what is sent (kept alive until the transfer ends) and the response.
  SlistPtr request_headers;
  std::string request_body;  // postAsync only (post() sends the caller's string)
  std::string body;
  std::optional<std::string> retry_after;
  std::optional<std::string> date;

  void reset() {
    error[0] = '\0';
    identity.mismatch.clear();
    identity.revoked = false;
    identity.crl_problem.clear();
    ctx_error.clear();
    crl_error.clear();
    body.clear();
    retry_after.reset();
    date.reset();
  }
};

namespace {

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* h = static_cast<HttpsClient::Handle*>(user);
  const size_t n = size * count;
  if (h->body.size() < kMaxBodyBytes)
    h->body.append(data, std::min(n, kMaxBodyBytes - h->body.size()));
  return n;  // the rest is read and dropped: the connection stays reusable
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* h = static_cast<HttpsClient::Handle*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 1xx): forget the previous one
    h->retry_after.reset();
    h->date.reset();
  } else if (headerIs(line, "retry-after")) {
    h->retry_after = headerValue(line, 11);
  } else if (headerIs(line, "date")) {
    h->date = headerValue(line, 4);
  }
  return n;
}

CURLcode onSslCtx(CURL*, void* ssl_ctx, void* user) {
  auto* h = static_cast<HttpsClient::Handle*>(user);
  auto* ctx = static_cast<ssl_ctx_st*>(ssl_ctx);
  auto applied = tls::applyProfile(ctx, h->profile, tls::Role::kClient);
  if (!applied) {
    h->ctx_error = applied.error().message;
    return CURLE_SSL_CIPHER;
  }
  if (h->crls != nullptr) {
    CrlView view = h->crls->view();
    if (!view.unavailable.empty()) {  // fail closed: no connection without a usable CRL
      h->crl_error = view.unavailable;
      return CURLE_SSL_CRL_BADFILE;
    }
    if (auto installed = tls::installCrls(ctx, view.crls, h->crls->wholeChain()); !installed) {
      h->crl_error = installed.error().message;
      return CURLE_SSL_CRL_BADFILE;
    }
  }
  installPeerIdentityCheck(ctx, &h->identity);
  return CURLE_OK;
}

TransportError transportError(CURLcode code, long os_errno) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::kDns;
    case CURLE_COULDNT_CONNECT:
      return os_errno == ECONNREFUSED ? TransportError::kConnectRefused : TransportError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_PEER_FAILED_VERIFICATION:
      return TransportError::kTlsVerify;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return TransportError::kTlsPin;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return TransportError::kTlsHandshake;
    case CURLE_SEND_ERROR:
      return TransportError::kSend;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return TransportError::kReceive;
    default:
      return TransportError::kOther;
  }
}

bool isTls(TransportError e) {
  return e == TransportError::kTlsVerify || e == TransportError::kTlsPin ||
         e == TransportError::kTlsPeerIdentity || e == TransportError::kTlsHandshake ||
         e == TransportError::kTlsRevoked || e == TransportError::kTlsCrl;
}

}  // namespace

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(const HttpsTarget& cfg,
                                                         const TimeSource* clock) {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info == nullptr || info->ssl_version == nullptr ||
      std::string_view(info->ssl_version).rfind("OpenSSL", 0) != 0) {
    return unexpected(errc::kTls, "libcurl is not built with OpenSSL (CURLOPT_SSL_CTX_FUNCTION)");
  }
  auto settings = makeClientSettings(cfg);
  if (!settings) return unexpected(settings.error());
  const TimeSource& time = clock ? *clock : systemClock();
  std::shared_ptr<CrlStore> crls;
  if (!settings->crl.empty()) {
    CrlStoreConfig c;
    c.partner = settings->partner;
    c.sources = settings->crl;
    c.cache_dir = settings->crl_cache_dir;
    c.ca_bundle = settings->ca_bundle;
    c.policy.refresh_seconds = settings->crl_refresh_seconds;
    c.policy.retry_seconds = std::min<int64_t>(60, settings->crl_refresh_seconds);
    c.whole_chain = settings->crl_whole_chain;
    c.connect_timeout_ms = settings->connect_timeout_ms;
    auto store = CrlStore::create(std::move(c), time);
    if (!store)
      return unexpected(errc::kConfig, prefixLines("partner '" + settings->partner + "': ",
                                                   store.error().message));
    crls = std::move(*store);
  }
  std::unique_ptr<HttpsClient> client(new HttpsClient(std::move(*settings), time, std::move(crls)));
  // Make one handle now: every option is checked at start-up, not on the first delivery.
  auto first = client->newHandle();
  if (!first) return unexpected(first.error());
  client->pool_.seed(std::move(*first));
  if (!client->crls_) {
    auto loop = MultiLoop::create("kh-http-" + client->settings_.partner,
                                  std::max(1, client->settings_.concurrency));
    if (!loop) return unexpected(loop.error());
    client->loop_ = std::move(*loop);
  }
  return client;
}

HttpsClient::HttpsClient(ClientSettings settings, const TimeSource& clock,
                         std::shared_ptr<CrlStore> crls)
    : settings_(std::move(settings)),
      clock_(clock),
      crls_(std::move(crls)),
      pool_(settings_.concurrency, [this] { return newHandle(); }) {}

HttpsClient::~HttpsClient() = default;

const std::string& HttpsClient::partner() const { return settings_.partner; }

uint64_t HttpsClient::connectionsOpened() const { return pool_.connectionsOpened(); }

Result<std::unique_ptr<HttpsClient::Handle>> HttpsClient::newHandle() const {
  auto h = std::make_unique<Handle>();
  h->easy.reset(curl_easy_init());
  if (!h->easy) return unexpected(errc::kTransport, "curl_easy_init failed");
  h->profile = settings_.profile;
  h->identity.expected_oin = settings_.expected_oin;
  h->identity.seen = &tls::seenServerCertificates();
  h->crls = crls_.get();
  const auto& s = settings_;
  CURL* e = h->easy.get();
  bool ok = true;
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_URL, s.url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https"));
  set(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L));
  set(curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1)));
  ok = ok && setTransportOptions(e, {s.connect_timeout_ms, s.request_timeout_ms, h->error});
  set(curl_easy_setopt(e, CURLOPT_USERAGENT, "ketenhub/0.1"));
  set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody));
  set(curl_easy_setopt(e, CURLOPT_WRITEDATA, h.get()));
  set(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onHeader));
  set(curl_easy_setopt(e, CURLOPT_HEADERDATA, h.get()));
  ok = ok &&
       setVerifiedTls(e, {&s.ca_bundle, &s.client_cert_pem, &s.client_key_pem, onSslCtx, h.get()});
  // With CRLs every new connection verifies the chain against the current lists: a resumed TLS
  // session would skip that (it was verified with the lists of its first handshake).
  if (crls_) set(curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L));
  if (!s.pinned_public_keys.empty()) {
    set(curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, s.pinned_public_keys.c_str()));
  }
  if (!ok) {
    return unexpected(errc::kTransport,
                      "partner '" + s.partner + "': libcurl refused an option (too old?)");
  }
  return h;
}

bool HttpsClient::startRequest(std::unique_ptr<Handle>& hp, const Headers& headers) {
  hp->reset();
  bool fresh_connect = false;
  if (crls_) {
    crls_->start();  // the first request fetches due CRLs, then a thread keeps them
    // Revocation is checked in the handshake: a connection verified with older CRLs, or while
    // they are no longer usable, must never carry another request. CURLOPT_FRESH_CONNECT alone
    // is not enough (the old connection stays in the handle's cache and the next request would
    // reuse it): the handle goes, with its connections, and a new one takes its place.
    const uint64_t generation = crls_->generation();
    fresh_connect = generation != hp->crl_generation || !crls_->view().unavailable.empty();
    if (fresh_connect) {
      if (auto fresh = newHandle(); fresh) hp = std::move(*fresh);
    }
    hp->crl_generation = generation;
  }
  Handle& h = *hp;
  h.request_headers.reset();
  auto append = [&h](const std::string& line) {
    curl_slist* next = curl_slist_append(h.request_headers.get(), line.c_str());
    if (next) {
      (void)h.request_headers.release();
      h.request_headers.reset(next);
    }
    return next != nullptr;
  };
  bool ok = append("Expect:");  // no 100-continue round trip for large bodies
  for (const auto& [name, value] : headers) ok = ok && append(name + ": " + value);
  CURL* e = h.easy.get();
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, fresh_connect ? 1L : 0L);
  if (!ok) return false;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h.request_headers.get());
  return true;
}

// curl reads the body from `body` until the transfer ends (no copy).
void HttpsClient::setBody(Handle& h, const std::string& body) {
  curl_easy_setopt(h.easy.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.easy.get(), CURLOPT_POSTFIELDS, body.data());
}

HttpResult HttpsClient::finishRequest(Handle& h, CURLcode rc) {
  HttpResult r;
  r.received_at_ms = clock_.nowMs();
  CURL* e = h.easy.get();
  long status = 0, os_errno = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, nullptr);
  h.request_headers.reset();
  std::string().swap(h.request_body);

  r.curl_code = static_cast<int>(rc);
  if (rc == CURLE_OK) {
    r.http_status = static_cast<int>(status);
    r.body = std::move(h.body);
    r.retry_after = std::move(h.retry_after);
    r.date = std::move(h.date);
  } else {
    r.transport = transportError(rc, os_errno);
    r.curl_error = h.error[0] != '\0' ? h.error : curl_easy_strerror(rc);
    if (h.identity.revoked) {
      r.transport = TransportError::kTlsRevoked;
      r.curl_error = "certificate revoked";
    } else if (!h.crl_error.empty() || !h.identity.crl_problem.empty()) {
      r.transport = TransportError::kTlsCrl;
      r.curl_error = !h.crl_error.empty() ? h.crl_error : h.identity.crl_problem;
    } else if (!h.identity.mismatch.empty()) {
      r.transport = TransportError::kTlsPeerIdentity;
      r.curl_error = h.identity.mismatch;
    } else if (!h.ctx_error.empty()) {
      r.curl_error = "TLS profile: " + h.ctx_error;
    } else if (r.transport == TransportError::kTlsPin) {
      r.curl_error = "server public key matches none of the " +
                     std::to_string(settings_.pin_count) + " configured pins";
    } else {
      r.curl_error = stripPrefix(stripPrefix(r.curl_error, "SSL certificate problem: "), "SSL: ");
    }
    r.tls_error = isTls(r.transport);
  }
  return r;
}

int64_t HttpsClient::connectsOf(Handle& h) {
  long connects = 0;
  curl_easy_getinfo(h.easy.get(), CURLINFO_NUM_CONNECTS, &connects);
  return connects;
}

HttpResult HttpsClient::post(const std::string& body, const Headers& headers) {
  std::unique_ptr<Handle> h = pool_.acquire();
  if (!h) return noHandle();
  bool ok = startRequest(h, headers);
  if (ok) setBody(*h, body);
  CURLcode rc = ok ? curl_easy_perform(h->easy.get()) : CURLE_OUT_OF_MEMORY;
  HttpResult r = finishRequest(*h, rc);
  const int64_t connects = connectsOf(*h);
  pool_.release(std::move(h), connects);
  return r;
}

void HttpsClient::postAsync(std::string body, const Headers& headers, Done done) {
  if (!loop_) {  // with CRLs: each handle keeps its own connections (see startRequest)
    done(post(body, headers));
    return;
  }
  std::unique_ptr<Handle> h = pool_.acquire();
  if (!h) {
    done(noHandle());
    return;
  }
  if (!startRequest(h, headers)) {
    HttpResult r = finishRequest(*h, CURLE_OUT_OF_MEMORY);
    pool_.release(std::move(h));
    done(std::move(r));
    return;
  }
  h->request_body = std::move(body);
  setBody(*h, h->request_body);
  CURL* easy = h->easy.get();
  // The loop thread ends the transfer: the handle goes back to the pool before `done` runs.
  auto held = std::make_shared<std::unique_ptr<Handle>>(std::move(h));
  loop_->add(easy, [this, held, done = std::move(done)](CURLcode rc) {
    HttpResult r = finishRequest(**held, rc);
    const int64_t connects = connectsOf(**held);
    pool_.release(std::move(*held), connects);
    done(std::move(r));
  });
}

HttpResult HttpsClient::noHandle() {
  HttpResult r;
  r.transport = TransportError::kOther;
  r.curl_error = "cannot create a curl handle";
  return r;
}

}  // namespace hub::curl
