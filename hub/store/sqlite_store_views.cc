// SqliteStore: read-only views for operators and the outbox relay (reader connection).
#include "hub/store/sqlite_store.h"

namespace hub::store {

Result<std::vector<OutboxEntry>> SqliteStore::outbox(int limit) {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto& s = outbox_stmt_;
  s.bind(1, limit);
  std::vector<OutboxEntry> out;
  for (;;) {
    auto row = s.step();
    if (!row) {
      s.reset();
      return unexpected(row.error());
    }
    if (!*row) break;
    out.push_back({s.int64(0), {s.text(1), s.text(2), s.text(3)}});
  }
  s.reset();
  return out;
}

Result<std::vector<ChannelCount>> SqliteStore::channelCounts() {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto s = rdb_.prepare(
      "SELECT partner,COALESCE(channel,''),state,COUNT(*) FROM deliveries "
      "WHERE state IN ('delivered','dead') GROUP BY 1,2,3");
  if (!s) return unexpected(s.error());
  std::vector<ChannelCount> out;
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({s->text(0), s->text(1), s->text(2), s->int64(3)});
  }
  return out;
}

}  // namespace hub::store
