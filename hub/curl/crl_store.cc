#include "hub/curl/crl_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "hub/core/error_codes.h"
#include "hub/curl/crl_fetch.h"
#include "hub/curl/tls_material.h"
#include "hub/log/log.h"
#include "hub/tls/digest.h"

namespace hub::curl {
namespace {

std::string sourceName(size_t index) { return "crl[" + std::to_string(index) + "]"; }

std::string digestOf(const std::string& bytes) {
  const auto d = tls::sha256(bytes);
  return std::string(d.begin(), d.end());
}

int64_t mtimeSeconds(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) : 0;
}

}  // namespace

std::string CrlStore::cachePath(const std::string& cache_dir, const std::string& partner,
                                const std::string& url) {
  const auto digest = tls::sha256(url);
  return (std::filesystem::path(cache_dir) /
          (partner + "-" + tls::hexEncode(std::span(digest).first(8)) + ".crl"))
      .string();
}

bool CrlStore::isUrl(const std::string& source) {
  return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

CrlStore::CrlStore(CrlStoreConfig cfg, const TimeSource& clock)
    : cfg_(std::move(cfg)), clock_(clock) {}

Result<std::shared_ptr<CrlStore>> CrlStore::create(CrlStoreConfig cfg, const TimeSource& clock) {
  std::shared_ptr<CrlStore> store(new CrlStore(std::move(cfg), clock));
  std::vector<std::string> errors;
  const int64_t now = store->nowSeconds();
  for (size_t i = 0; i < store->cfg_.sources.size(); ++i) {
    Source s;
    s.location = store->cfg_.sources[i];
    s.url = isUrl(s.location);
    if (s.url) {
      if (!store->cfg_.cache_dir.empty())
        s.cache_file = cachePath(store->cfg_.cache_dir, store->cfg_.partner, s.location);
      store->loadCached(s);
    } else {
      std::string bytes;
      auto crl = store->obtain(s, bytes);
      if (!crl) {
        errors.push_back("tls." + sourceName(i) + ": " + s.location + ": " + crl.error().message);
      } else {
        s.crl = *crl;
        s.digest = digestOf(bytes);
        s.state.copy = tls::CrlCopy{(*crl)->thisUpdate(), (*crl)->nextUpdate(), now};
        s.state.last_attempt_at = now;
      }
    }
    store->sources_.push_back(std::move(s));
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
    return unexpected(errc::kConfig, message);
  }
  return store;
}

CrlStore::~CrlStore() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CrlStore::loadCached(Source& s) {
  if (s.cache_file.empty()) return;
  auto bytes = readWholeFile(s.cache_file);
  if (!bytes) return;  // no copy yet
  auto crl = checked(*bytes);
  if (!crl) {
    log::warn("cached CRL ignored",
              {{"partner", cfg_.partner}, {"file", s.cache_file}, {"reason", crl.error().message}});
    return;
  }
  s.crl = *crl;
  s.digest = digestOf(*bytes);
  s.state.copy =
      tls::CrlCopy{(*crl)->thisUpdate(), (*crl)->nextUpdate(), mtimeSeconds(s.cache_file)};
}

Result<tls::CrlConstSharedPtr> CrlStore::checked(const std::string& bytes) const {
  auto crl = tls::parseCrl(bytes);
  if (!crl) return unexpected(crl.error());
  if (auto v = tls::verifyCrlIssuer(**crl, cfg_.ca_bundle); !v) return unexpected(v.error());
  return *crl;
}

Result<tls::CrlConstSharedPtr> CrlStore::obtain(const Source& s, std::string& bytes) const {
  if (s.url) {
    auto body = fetchCrl(s.location,
                         {cfg_.ca_bundle, cfg_.connect_timeout_ms, cfg_.fetch_timeout_ms}, &stop_);
    if (!body) return unexpected(body.error());
    bytes = std::move(*body);
  } else {
    auto file = readWholeFile(s.location);
    if (!file) return unexpected(file.error());
    bytes = std::move(*file);
  }
  return checked(bytes);
}

void CrlStore::refreshOne(size_t index) {
  Source snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.location = sources_[index].location;
    snapshot.url = sources_[index].url;
    snapshot.cache_file = sources_[index].cache_file;
  }
  std::string bytes;
  auto crl = obtain(snapshot, bytes);  // no lock held during I/O
  const int64_t now = nowSeconds();
  std::lock_guard lock(mu_);
  Source& s = sources_[index];
  s.state.last_attempt_at = now;
  if (!crl) {
    s.state.last_attempt_failed = true;
    s.last_error = crl.error().message;
    log::warn("CRL refresh failed",
              {{"partner", cfg_.partner},
               {"source", sourceName(index)},
               {"status", tls::crlStatusName(tls::crlStatus(s.state, now, cfg_.policy))},
               {"reason", s.last_error}});
    return;
  }
  const tls::CrlCopy copy{(*crl)->thisUpdate(), (*crl)->nextUpdate(), now};
  if (!tls::shouldReplace(s.state.copy, copy)) {
    s.state.last_attempt_failed = true;
    s.last_error = "the distribution point served an older CRL than the one in use";
    log::warn("CRL refresh refused",
              {{"partner", cfg_.partner}, {"source", sourceName(index)}, {"reason", s.last_error}});
    return;
  }
  const std::string digest = digestOf(bytes);
  const bool changed = digest != s.digest;
  s.digest = digest;
  s.state.last_attempt_failed = false;
  s.state.copy = copy;
  s.crl = *crl;
  s.last_error.clear();
  if (s.url && !s.cache_file.empty()) {
    if (auto w = writeFileAtomically(s.cache_file, bytes); !w)
      log::warn("CRL cache not written", {{"partner", cfg_.partner},
                                          {"source", sourceName(index)},
                                          {"reason", w.error().message}});
  }
  if (changed) ++generation_;
  if (changed)
    log::info("CRL updated", {{"partner", cfg_.partner},
                              {"source", sourceName(index)},
                              {"revoked", s.crl->revokedCount()},
                              {"next_update", s.crl->nextUpdate()}});
}

void CrlStore::refreshDue() {
  std::vector<size_t> due;
  {
    std::lock_guard lock(mu_);
    const int64_t now = nowSeconds();
    for (size_t i = 0; i < sources_.size(); ++i)
      if (tls::nextAttemptAt(sources_[i].state, cfg_.policy) <= now) due.push_back(i);
  }
  for (size_t i : due) {
    if (stop_) return;
    refreshOne(i);
  }
}

void CrlStore::start() {
  std::call_once(started_, [this] {
    refreshDue();
    thread_ = std::thread([this] { run(); });
  });
}

void CrlStore::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    int64_t next = nowSeconds() + 3600;
    for (const auto& s : sources_) next = std::min(next, tls::nextAttemptAt(s.state, cfg_.policy));
    const int64_t wait = std::clamp<int64_t>(next - nowSeconds(), 1, 3600);
    cv_.wait_for(lock, std::chrono::seconds(wait), [this] { return stop_.load(); });
    if (stop_) break;
    lock.unlock();
    refreshDue();
    lock.lock();
  }
}

CrlView CrlStore::view() const {
  CrlView v;
  std::lock_guard lock(mu_);
  const int64_t now = nowSeconds();
  for (size_t i = 0; i < sources_.size(); ++i) {
    const Source& s = sources_[i];
    const tls::CrlStatus status = tls::crlStatus(s.state, now, cfg_.policy);
    if (!tls::usable(status)) {
      if (!v.unavailable.empty()) continue;  // the first one tells the story
      v.unavailable = sourceName(i) + " " + tls::crlStatusName(status);
      if (!s.last_error.empty()) v.unavailable += ", last fetch: " + s.last_error;
      continue;
    }
    v.crls.push_back(s.crl);
  }
  return v;
}

}  // namespace hub::curl
