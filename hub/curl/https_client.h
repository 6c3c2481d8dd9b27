#pragma once
// HTTPS with mutual TLS to one partner, through libcurl.
//
// Built once per partner by create(), which validates everything up front: https URL, trust
// anchors (several PEM files, concatenated into one in-memory bundle: CURLOPT_CAINFO_BLOB; the
// system store is never used), client certificate and key (read once into memory), SPKI pins
// (CURLOPT_PINNEDPUBLICKEY "sha256//a;sha256//b"), TLS profile name.
//
// Every connection: peer and host verification on; the NCSC profile applied to the SSL_CTX from
// CURLOPT_SSL_CTX_FUNCTION (versions, TLS 1.2 ciphers, TLS 1.3 suites, groups, sigalgs); when
// tls.expected_oin is set, the server leaf's subject serialNumber is checked inside the handshake
// (peer_identity.h), so a wrong partner never receives the body. With tls.crl, the partner's
// CRLs (crl_store.h) are added to the connection's store with X509_V_FLAG_CRL_CHECK (leaf; with
// tls.crl_check: chain also CRL_CHECK_ALL): a revoked server certificate fails the handshake
// ("tls: certificate revoked"), and with no usable CRL no connection is made ("tls: CRL
// unavailable (...)"), both transient. With CRLs, TLS sessions are never resumed and a kept-alive
// connection is dropped when the lists change (either would skip the check). Every verified
// server leaf is recorded in
// tls::seenServerCertificates() (subject, notAfter) for the expiry metric. HTTP/1.1, keep-alive,
// TCP_NODELAY, no redirects, no signals, connect and total timeouts from the HttpsTarget.
//
// Thread-safety: post() and postAsync() may be called from any number of threads. The client keeps
// a pool of at most `concurrency` curl easy handles (LIFO, so the warmest connection is used
// first). With post() each handle owns its connection cache; with postAsync() the I/O thread's
// multi handle owns the connections (at most `concurrency` kept); either way they are reused across
// requests. A request that finds every handle busy waits for one. Destroy the client only when no
// post() is running. Bodies are never logged.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/core/time_source.h"
#include "hub/curl/client_settings.h"
#include "hub/curl/handle_pool.h"
#include "hub/curl/http_outcome.h"
#include "hub/curl/multi_loop.h"

namespace hub::curl {

class CrlStore;
using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpsClient {
 public:
  // clock: stamps HttpResult::received_at_ms; nullptr = the system clock.
  static Result<std::unique_ptr<HttpsClient>> create(const HttpsTarget& cfg,
                                                     const TimeSource* clock = nullptr);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // One POST to the partner's endpoint. Never throws; a failure is described in the result.
  curl::HttpResult post(const std::string& body, const Headers& headers);

  // The same POST without blocking the caller: the transfer runs on the client's I/O thread
  // (multi_loop.h: one libcurl multi handle per partner, its connections kept alive and shared by
  // the transfers) and `done` gets the result there. With tls.crl the request is made with
  // post() on the calling thread instead, `done` called before postAsync returns: each handle
  // must own its connections so that a connection verified with older CRLs is dropped with it.
  // `done` must not block and must not call postAsync on the same client: the I/O thread is the
  // one that gives handles back, and postAsync waits for a handle while `concurrency` transfers
  // are in flight (the engine never has more in flight than the partner's concurrency).
  using Done = std::function<void(curl::HttpResult)>;
  void postAsync(std::string body, const Headers& headers, Done done);
  bool sendsAsync() const { return loop_ != nullptr; }

  const std::string& partner() const;
  // New connections opened so far (sum of CURLINFO_NUM_CONNECTS), for tests and metrics.
  uint64_t connectionsOpened() const;

  struct Handle;  // one curl easy handle and its per-request state (defined in the .cc)

 private:
  HttpsClient(ClientSettings settings, const TimeSource& clock, std::shared_ptr<CrlStore> crls);
  Result<std::unique_ptr<Handle>> newHandle() const;
  // One request on a handle (post and postAsync): headers, body, then the result.
  bool startRequest(std::unique_ptr<Handle>& h, const Headers& headers);
  static void setBody(Handle& h, const std::string& body);
  curl::HttpResult finishRequest(Handle& h, CURLcode rc);
  static int64_t connectsOf(Handle& h);
  static curl::HttpResult noHandle();

  const ClientSettings settings_;
  const TimeSource& clock_;
  const std::shared_ptr<CrlStore> crls_;  // null: no revocation check
  HandlePool<Handle> pool_;               // LIFO, at most the concurrency; thread-safe
  // postAsync's I/O thread (none with CRLs). Declared after pool_: destroyed first, it ends
  // the transfers in flight, which give their handles back to the pool.
  std::unique_ptr<MultiLoop> loop_;
};

}  // namespace hub::curl
