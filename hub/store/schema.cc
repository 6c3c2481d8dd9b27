#include "hub/store/schema.h"

#include <string>
#include <vector>

#include "hub/store/pg_schema.h"

namespace hub::store {
namespace {

// Never edit a released migration: append a new one.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> m = {
      // 1: events, deliveries, attempts, event history.
      R"sql(
CREATE TABLE events (
  id             INTEGER PRIMARY KEY,
  message_id     TEXT NOT NULL UNIQUE,
  event_type     TEXT NOT NULL DEFAULT '',
  case_id        TEXT NOT NULL DEFAULT '',
  actor          TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  content_type   TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL DEFAULT '',
  peer           TEXT NOT NULL DEFAULT '',
  received_at    INTEGER NOT NULL,
  state          TEXT NOT NULL,          -- accepted | quarantined
  reason         TEXT,
  body           BLOB,
  event_xml      TEXT,
  duplicates     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_state ON events(state, received_at);
CREATE INDEX events_case ON events(case_id);
CREATE TABLE deliveries (
  seq               INTEGER PRIMARY KEY,  -- commit order = event order per (partner, case)
  delivery_id       TEXT NOT NULL UNIQUE,
  event_id          INTEGER NOT NULL REFERENCES events(id),
  partner           TEXT NOT NULL,
  product           TEXT NOT NULL,
  case_id           TEXT NOT NULL,
  state             TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_at           INTEGER NOT NULL,
  deadline_at       INTEGER NOT NULL,
  legal_deadline_at INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  final_at          INTEGER,
  channel           TEXT,
  reason            TEXT,
  receipt           TEXT
);
CREATE INDEX deliveries_due ON deliveries(partner, next_at) WHERE state IN ('pending','retry_wait');
CREATE INDEX deliveries_case ON deliveries(partner, case_id, seq);
CREATE INDEX deliveries_state ON deliveries(state, partner);
CREATE TABLE attempts (
  delivery_seq INTEGER NOT NULL REFERENCES deliveries(seq),
  attempt      INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER NOT NULL,
  channel      TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  http_status  INTEGER NOT NULL DEFAULT 0,
  reason       TEXT,
  PRIMARY KEY (delivery_seq, attempt)
);
CREATE TABLE event_history (
  event_id INTEGER NOT NULL REFERENCES events(id),
  at       INTEGER NOT NULL,
  note     TEXT NOT NULL
);
CREATE INDEX event_history_event ON event_history(event_id);
)sql",
      // 2: the start of each delivery's legal period (warn operators at half of it).
      "ALTER TABLE deliveries ADD COLUMN legal_start_at INTEGER",
      // 3: delivery as a chain of channels. The product is signed once and kept (the same bytes
      // on every attempt and channel); the chain position and every channel's final reason; the
      // outbox of status notifications and dead letters (written with the state change).
      R"sql(
ALTER TABLE deliveries ADD COLUMN channel_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN channel_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN current_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN product_sha256 TEXT;
CREATE INDEX deliveries_fallback ON deliveries(current_channel, next_at) WHERE state='fallback';
CREATE TABLE products (
  delivery_seq INTEGER PRIMARY KEY REFERENCES deliveries(seq),
  signed       BLOB NOT NULL,
  built_at     INTEGER NOT NULL
);
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  address    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  body       TEXT NOT NULL,
  sent_at    INTEGER
);
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;
)sql",
      // 4: partners an operator paused (nothing of theirs is claimed until resumed).
      R"sql(
CREATE TABLE partner_pauses (
  partner   TEXT PRIMARY KEY,
  paused_at INTEGER NOT NULL,
  paused_by TEXT NOT NULL
);
CREATE INDEX deliveries_created ON deliveries(created_at);
)sql",
      // 5: four-eyes corrections of quarantined events: one operator proposes a corrected body,
      // another approves it; both bodies and both identities are kept.
      R"sql(
CREATE TABLE quarantine_proposals (
  id          INTEGER PRIMARY KEY,
  message_id  TEXT NOT NULL,
  original    BLOB NOT NULL,
  corrected   BLOB NOT NULL,
  proposed_by TEXT NOT NULL,
  proposed_at INTEGER NOT NULL,
  approved_by TEXT,
  approved_at INTEGER
);
CREATE INDEX quarantine_proposals_message ON quarantine_proposals(message_id);
)sql",
      // 6: recent activity per partner for operators (attempts by time).
      "CREATE INDEX attempts_finished ON attempts(finished_at)",
      // 7: the audit trail names the person concerned by a keyed hash (never the BSN), and a
      // notification's record names its delivery.
      R"sql(
ALTER TABLE events ADD COLUMN person_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN delivery_seq INTEGER;
)sql",
      // 8: payload retention. When an event's body (and its proposals' bodies) was purged; the
      // events still holding one by age, each event's deliveries, published outbox rows by age.
      R"sql(
ALTER TABLE events ADD COLUMN payload_purged_at INTEGER;
CREATE INDEX events_unpurged ON events(received_at) WHERE payload_purged_at IS NULL;
CREATE INDEX deliveries_event ON deliveries(event_id);
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE sent_at IS NOT NULL;
)sql",
      // 9: a backlog of a million waiting deliveries costs no scan of them (bench/backlog.sh).
      // The overdue claim of a partner whose circuit is open seeks by deadline; the scheduler's
      // next wake-up is the soonest next_at of anything waiting; the gauges read the oldest
      // delivery per (state, partner) and the legal-deadline counts from covering indexes, and
      // the number of deliveries per (partner, state, final channel) from delivery_counts, kept
      // by triggers on every insert, state change and delete (a final delivery's channel is the
      // one it ended on; '' while it waits).
      R"sql(
CREATE INDEX deliveries_overdue ON deliveries(partner, deadline_at)
  WHERE state IN ('pending','retry_wait');
CREATE INDEX deliveries_next ON deliveries(next_at)
  WHERE state IN ('pending','retry_wait','fallback');
DROP INDEX deliveries_state;
CREATE INDEX deliveries_state ON deliveries(state, partner, created_at);
CREATE INDEX deliveries_legal_half ON deliveries(partner, state,
  COALESCE(legal_start_at, created_at) + (legal_deadline_at - COALESCE(legal_start_at, created_at)) / 2,
  legal_deadline_at, legal_start_at, created_at)
  WHERE legal_deadline_at IS NOT NULL AND state<>'delivered';
CREATE INDEX deliveries_dead_legal ON deliveries(partner, state, legal_deadline_at)
  WHERE state='dead' AND legal_deadline_at IS NOT NULL;
CREATE TABLE delivery_counts (
  partner TEXT NOT NULL,
  state   TEXT NOT NULL,
  channel TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (partner, state, channel)
) WITHOUT ROWID;
INSERT INTO delivery_counts(partner, state, channel, n)
  SELECT partner, state,
         CASE WHEN state IN ('delivered','dead') THEN COALESCE(channel, '') ELSE '' END, COUNT(*)
  FROM deliveries GROUP BY 1, 2, 3;
CREATE TRIGGER deliveries_counted AFTER INSERT ON deliveries BEGIN
  INSERT INTO delivery_counts(partner, state, channel, n) VALUES (new.partner, new.state,
    CASE WHEN new.state IN ('delivered','dead') THEN COALESCE(new.channel, '') ELSE '' END, 1)
    ON CONFLICT(partner, state, channel) DO UPDATE SET n=n+1;
END;
CREATE TRIGGER deliveries_recounted AFTER UPDATE OF partner, state, channel ON deliveries
  WHEN old.partner<>new.partner OR old.state<>new.state OR (new.state IN ('delivered','dead')
    AND COALESCE(old.channel, '')<>COALESCE(new.channel, ''))
BEGIN
  UPDATE delivery_counts SET n=n-1 WHERE partner=old.partner AND state=old.state AND channel=
    CASE WHEN old.state IN ('delivered','dead') THEN COALESCE(old.channel, '') ELSE '' END;
  INSERT INTO delivery_counts(partner, state, channel, n) VALUES (new.partner, new.state,
    CASE WHEN new.state IN ('delivered','dead') THEN COALESCE(new.channel, '') ELSE '' END, 1)
    ON CONFLICT(partner, state, channel) DO UPDATE SET n=n+1;
END;
CREATE TRIGGER deliveries_uncounted AFTER DELETE ON deliveries BEGIN
  UPDATE delivery_counts SET n=n-1 WHERE partner=old.partner AND state=old.state AND channel=
    CASE WHEN old.state IN ('delivered','dead') THEN COALESCE(old.channel, '') ELSE '' END;
END;
)sql",
      // 10: claims with a lease (several instances sharing a PostgreSQL store; kept the same
      // here): the claiming instance and until when its claim holds; the instances and their
      // heartbeats; the in-flight deliveries by lease end.
      R"sql(
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
CREATE TABLE instances (
  id           TEXT PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  host         TEXT NOT NULL DEFAULT '',
  version      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_leased ON deliveries(lease_until) WHERE state='in_flight';
)sql",
      // 11: one partner's cap and circuit over all instances (kept the same here): the
      // deliveries in flight on a partner's coupling; each partner's circuit as the instance
      // whose breaker last changed it saw it, and until when the others hold their attempts.
      R"sql(
CREATE INDEX deliveries_in_flight ON deliveries(partner) WHERE state='in_flight' AND channel_index=0;
CREATE TABLE partner_circuits (
  partner    TEXT PRIMARY KEY,
  state      TEXT NOT NULL,
  hold_until INTEGER NOT NULL,
  instance   TEXT NOT NULL,
  changed_at INTEGER NOT NULL
);
)sql",
  };
  return m;
}

}  // namespace

// Every pending migration in one transaction. On PostgreSQL several instances may start at once:
// a transaction-scoped advisory lock lets one migrate while the others wait, then find nothing
// left to do.
Result<void> migrate(Db& db) {
  const bool pg = db.dialect() == Dialect::kPostgres;
  const auto& m = pg ? postgresMigrations() : migrations();
  std::string prologue = std::string(db.beginSql()) + ";";
  if (pg) prologue += "SELECT pg_advisory_xact_lock(7306086830637032034);";  // "ketenhub"
  prologue += "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);";
  if (auto r = db.exec(prologue); !r) {
    (void)db.exec("ROLLBACK");
    return unexpected("store", "migration: " + r.error().message);
  }
  auto done = [&](Result<void> r) -> Result<void> {
    if (r) r = db.exec("COMMIT");
    if (!r) (void)db.exec("ROLLBACK");
    return r;
  };
  auto q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!q) return done(unexpected(q.error()));
  auto row = q->step();
  if (!row) return done(unexpected(row.error()));
  const int current = static_cast<int>(q->int64(0));
  q->reset();
  if (current > static_cast<int>(m.size()))
    return done(unexpected("store", "database schema version " + std::to_string(current) +
                                        " is newer than this build (" + std::to_string(m.size()) +
                                        ")"));
  for (int v = current + 1; v <= static_cast<int>(m.size()); ++v) {
    const std::string sql =
        m[v - 1] + ";INSERT INTO schema_version(version) VALUES (" + std::to_string(v) + ")";
    if (auto r = db.exec(sql); !r) {
      (void)db.exec("ROLLBACK");
      return unexpected("store", "migration " + std::to_string(v) + ": " + r.error().message);
    }
  }
  return done({});
}

}  // namespace hub::store
