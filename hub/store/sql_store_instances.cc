// SqlStore: the cluster view. With leases every instance keeps a row in `instances` (id,
// host, version, started_at, heartbeat_at): written when its store opens and again on every
// lease renewal (its heartbeat, every lease/4). An instance is alive while its heartbeat is at
// most 2 x the lease old, stale after that; rows whose heartbeat is a day old are deleted by the
// heartbeat of any instance. What each holds in flight is read from the deliveries' leases.
// Without leases (one instance on its own store) the view is this instance alone, alive, with
// every in-flight delivery its own: nothing is written for it.
#include <algorithm>

#include "hub/store/sql_store.h"

namespace hub::store {
namespace {
constexpr int64_t kForgetAfterMs = 24 * 3600 * 1000;  // stale rows older than this go
}  // namespace

Result<void> SqlStore::recordStart() {
  if (opts_.lease_ms <= 0) return {};
  // A restart under the same id (a container's pid 1) starts again: its started_at is now.
  auto s = wdb_.prepare(
      "INSERT INTO instances(id,started_at,heartbeat_at,host,version) VALUES(?1,?2,?2,?3,?4) "
      "ON CONFLICT(id) DO UPDATE SET started_at=excluded.started_at,"
      "heartbeat_at=excluded.heartbeat_at,host=excluded.host,version=excluded.version");
  if (!s) return unexpected(s.error());
  s->bind(1, opts_.instance_id).bind(2, started_at_).bind(3, opts_.host).bind(4, opts_.version);
  return s->run();
}

Result<void> SqlStore::heartbeat(int64_t now_ms) {
  auto h = wdb_.preparedOnce(
      heartbeat_,
      "INSERT INTO instances(id,started_at,heartbeat_at,host,version) VALUES(?1,?2,?3,?4,?5) "
      "ON CONFLICT(id) DO UPDATE SET heartbeat_at=excluded.heartbeat_at");
  if (!h) return unexpected(h.error());
  (*h)->bind(1, opts_.instance_id).bind(2, started_at_).bind(3, now_ms);
  (*h)->bind(4, opts_.host).bind(5, opts_.version);
  if (auto r = (*h)->run(); !r) return r;
  auto f = wdb_.preparedOnce(forget_instances_, "DELETE FROM instances WHERE heartbeat_at<?1");
  if (!f) return unexpected(f.error());
  return (*f)->bind(1, now_ms - kForgetAfterMs).run();
}

// On the views connection (views_mu_ held). In flight by lease owner (index deliveries_leased:
// the in-flight deliveries only); without leases every in-flight delivery, under "".
Result<std::map<std::string, int64_t>> SqlStore::inFlightByOwner() {
  auto s = vdb_.prepare(
      "SELECT COALESCE(lease_owner,''),COUNT(*) FROM deliveries WHERE state='in_flight' "
      "GROUP BY COALESCE(lease_owner,'')");
  if (!s) return unexpected(s.error());
  std::map<std::string, int64_t> out;
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out[s->text(0)] = s->int64(1);
  }
  return out;
}

Result<ClusterView> SqlStore::instances(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(views_mu_);
  ClusterView v;
  v.self = opts_.instance_id;
  v.lease_ms = opts_.lease_ms;
  auto held = inFlightByOwner();
  if (!held) return unexpected(held.error());
  if (opts_.lease_ms <= 0) {
    InstanceView me{
        opts_.instance_id, opts_.host, opts_.version, started_at_, now_ms, 0, true, 0, true};
    for (const auto& [owner, n] : *held) me.in_flight += n;
    v.instances.push_back(std::move(me));
    return v;
  }
  auto s =
      vdb_.prepare("SELECT id,host,version,started_at,heartbeat_at FROM instances ORDER BY id");
  if (!s) return unexpected(s.error());
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    InstanceView i;
    i.id = s->text(0);
    i.host = s->text(1);
    i.version = s->text(2);
    i.started_at = s->int64(3);
    i.heartbeat_at = s->int64(4);
    i.heartbeat_age_ms = std::max<int64_t>(0, now_ms - i.heartbeat_at);
    i.alive = i.heartbeat_age_ms <= 2 * opts_.lease_ms;
    if (auto it = held->find(i.id); it != held->end()) i.in_flight = it->second;
    i.self = i.id == opts_.instance_id;
    v.instances.push_back(std::move(i));
  }
  return v;
}

}  // namespace hub::store
