#pragma once
// A partner's certificate revocation lists (tls.crl): files and http(s) distribution points,
// kept current and handed to every TLS connection to the partner.
//
// Contract:
// - create() reads every file source and every cached copy of a URL source (in cache_dir) and
//   checks each CRL's signature against the partner's trust anchors (tls::verifyCrlIssuer). A
//   file source that is missing, not a CRL, or not signed by a trust anchor is an error (config
//   check reports it). A cached copy that no longer verifies is ignored. No network in create().
// - start() (idempotent; the HTTPS client calls it before its first request) fetches the sources
//   that are due once, synchronously, then starts one background thread that refreshes each
//   source when tls::nextAttemptAt says so (at least every refresh interval, at most 4 h; one
//   minute after a failure). A download replaces the copy only when it parses, verifies and is
//   not older than the copy (tls::shouldReplace); it is written to the cache atomically (temp
//   file, fsync, rename). A file source is re-read the same way (operators replace the file).
// - view() is the set of CRLs for one connection; generation() tells the client when to stop
//   reusing connections made with an older set. FAIL CLOSED: when any source has no usable
//   copy (never obtained, or past its nextUpdate with no fresh one), view().unavailable names it
//   and the connection is not made: the attempt fails transiently ("tls: CRL unavailable (...)")
//   and is retried. A stale copy (refresh failing, before nextUpdate) is used.
// - Logs: a warning per failed refresh (partner, source index, status), info when a CRL changed.
//   URLs and file paths are configuration, never personal data.
// Thread-safety: view() from any thread (one mutex; copies shared_ptrs); destroy only when no
// view() runs. The destructor stops the thread and aborts a download in progress.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/core/result.h"
#include "hub/core/time_source.h"
#include "hub/tls/crl.h"
#include "hub/tls/crl_policy.h"

namespace hub::curl {

struct CrlStoreConfig {
  std::string partner;               // for messages
  std::vector<std::string> sources;  // absolute file paths or http:// / https:// URLs
  std::string cache_dir;             // downloaded copies; created when missing
  std::string ca_bundle;             // the partner's trust anchors (PEM)
  tls::CrlRefreshPolicy policy;
  bool whole_chain = false;  // X509_V_FLAG_CRL_CHECK_ALL besides X509_V_FLAG_CRL_CHECK
  long connect_timeout_ms = 5000;
  long fetch_timeout_ms = 30000;
};

struct CrlView {
  std::vector<tls::CrlConstSharedPtr> crls;
  std::string unavailable;  // non-empty: do not connect; the reason, e.g. "crl[0] expired ..."
};

class CrlStore {
 public:
  static Result<std::shared_ptr<CrlStore>> create(CrlStoreConfig cfg, const TimeSource& clock);
  ~CrlStore();
  CrlStore(const CrlStore&) = delete;
  CrlStore& operator=(const CrlStore&) = delete;

  void start();
  CrlView view() const;
  bool wholeChain() const { return cfg_.whole_chain; }
  // Bumped whenever a source's CRL changes: a connection made before holds the old lists.
  uint64_t generation() const { return generation_.load(); }
  // One refresh pass over the sources that are due (the thread's work; tests call it directly).
  void refreshDue();

  static bool isUrl(const std::string& source);
  // The cache file of a URL source: <cache_dir>/<partner>-<first 8 bytes of SHA-256(url), hex>.crl
  static std::string cachePath(const std::string& cache_dir, const std::string& partner,
                               const std::string& url);

 private:
  struct Source {
    std::string location;
    bool url = false;
    std::string cache_file;  // URL sources
    tls::CrlSourceState state;
    tls::CrlConstSharedPtr crl;
    std::string digest;  // SHA-256 of the CRL's bytes: a new list, even within one second
    std::string last_error;
  };

  CrlStore(CrlStoreConfig cfg, const TimeSource& clock);
  Result<tls::CrlConstSharedPtr> obtain(const Source& s, std::string& bytes) const;
  Result<tls::CrlConstSharedPtr> checked(const std::string& bytes) const;
  void refreshOne(size_t index);
  void loadCached(Source& s);
  void run();
  int64_t nowSeconds() const { return clock_.nowMs() / 1000; }

  const CrlStoreConfig cfg_;
  const TimeSource& clock_;
  mutable std::mutex mu_;  // sources_' states and CRLs
  std::condition_variable cv_;
  std::vector<Source> sources_;
  std::once_flag started_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> generation_{0};
  std::thread thread_;
};

}  // namespace hub::curl
