#pragma once
// Small helpers the operator API's handlers share: query parameters, the time window and page of
// a list, waiting (bounded) for a store operation, and an intake envelope from a stored event.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "hub/admin/endpoints.h"
#include "hub/core/envelope.h"
#include "hub/pipeline/store.h"

namespace hub::admin {

inline constexpr int kMaxPageLimit = 500;

std::string param(const Call& c, const std::string& key);
// A non-negative integer query parameter; def when absent; nullopt when malformed.
std::optional<int64_t> number(const Call& c, const std::string& key, int64_t def);

struct Page {
  int64_t from_ms = 0, to_ms = 0, cursor = 0;
  int limit = 50;
};
// from, to (unix ms), cursor and limit (1..500); nullopt when one is malformed.
std::optional<Page> page(const Call& c);

// Who calls, for the audit trail: the token's name and the client's address.
inline Actor actorOf(const Call& c, std::string detail = "") {
  return Actor{c.who.name, c.req.peer, std::move(detail)};
}

// The envelope of a stored event, with `body`, received now: intake runs again under its
// message-id (quarantine replay, an approved correction).
Envelope envelopeOf(const EventView& e, std::string body, int64_t now_ms);

// What the API says where a payload was before retention purged it (retention.payload_days).
std::string purgedByRetention(int64_t purged_at_ms);

inline constexpr auto kStoreWait = std::chrono::seconds(15);

// Waits for a store operation's callback; nullopt when the store did not answer in time (it may
// be unable to commit).
template <class T>
std::optional<T> awaitStore(const std::function<void(std::function<void(T)>)>& submit) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  submit([p](T r) { p->set_value(std::move(r)); });
  if (f.wait_for(kStoreWait) != std::future_status::ready) return std::nullopt;
  return f.get();
}

}  // namespace hub::admin
