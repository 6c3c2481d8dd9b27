#include "hub/engine/event_form_cache.h"

namespace hub::engine {

void EventFormCache::put(const std::string& message_id, std::shared_ptr<const std::string> xml,
                         int64_t now_ms) {
  if (!xml || xml->size() > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = entries_[message_id];
  if (e.xml) bytes_ -= e.xml->size();
  bytes_ += xml->size();
  e.xml = std::move(xml);
  e.at_ms = now_ms;
  e.generation = ++next_generation_;
  order_.emplace_back(message_id, e.generation);
  evictLocked();
}

void EventFormCache::evictLocked() {
  while (!order_.empty()) {
    auto& [key, generation] = order_.front();
    auto it = entries_.find(key);
    bool current = it != entries_.end() && it->second.generation == generation;
    if (current && bytes_ <= max_bytes_) break;
    if (current) {
      bytes_ -= it->second.xml->size();
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

std::shared_ptr<const std::string> EventFormCache::get(const std::string& message_id,
                                                       int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(message_id);
  if (it == entries_.end() || now_ms - it->second.at_ms > max_age_ms_) return nullptr;
  return it->second.xml;
}

size_t EventFormCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace hub::engine
