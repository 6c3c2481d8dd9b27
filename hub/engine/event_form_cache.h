#pragma once
// EventFormCache: the XML form intake derived for each newly stored event, kept for a short while
// so the workers building its products need not read the body back from the store and convert it
// again (on two cores that was ~5 % of a delivery's CPU, and every worker queued on the store's
// one read connection for it).
//
// Bounded: at most max_bytes of XML forms (oldest first out) and entries older than max_age_ms are
// not served. A miss costs nothing but the old path (Store::eventBody + JSON->XML), so the cache
// only has to be right when it answers: an entry is the form intake validated against the event
// schema, keyed by the event's message-id (unique per stored event; a corrected event accepted
// later under the same message-id replaces it). Thread-safe: intake puts (store writer thread,
// after the commit), workers get.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hub::engine {

class EventFormCache {
 public:
  EventFormCache(size_t max_bytes, int64_t max_age_ms)
      : max_bytes_(max_bytes), max_age_ms_(max_age_ms) {}

  void put(const std::string& message_id, std::shared_ptr<const std::string> xml, int64_t now_ms);
  // The form, or null when it is not (or no longer) kept.
  std::shared_ptr<const std::string> get(const std::string& message_id, int64_t now_ms) const;

  size_t bytes() const;

 private:
  struct Entry {
    std::shared_ptr<const std::string> xml;
    int64_t at_ms = 0;
    uint64_t generation = 0;  // which put; a replaced entry's old place in order_ is skipped
  };
  void evictLocked();

  const size_t max_bytes_;
  const int64_t max_age_ms_;
  mutable std::mutex mu_;  // guards everything below
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<std::string, uint64_t>> order_;  // insertion order: key, generation
  uint64_t next_generation_ = 0;
  size_t bytes_ = 0;
};

}  // namespace hub::engine
