// The store's hot queries on PostgreSQL (the counterpart of query_plan_test.cc): with ~100,000
// deliveries, most delivered and a few thousand waiting, every query of sql_queries.h seeks its
// index and never scans the deliveries, in the plan PostgreSQL makes for given values (the first
// executions of a prepared statement) and in the generic plan it may switch to after five: the
// store prepares each statement once per connection. The data is bulk-loaded and ANALYZEd, not
// vacuumed (a store that has just grown, before autovacuum came by). And the plans the hub's
// statements get on a new, empty store (before the first ANALYZE) still seek when it fills up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "hub/store/pg_text.h"
#include "hub/store/sql_queries.h"
#include "hub/store/sql_store.h"
#include "tests/support/shared_pg_server.h"

using namespace hub;
using hub::testing::sharedPgServer;

namespace {

class FixedClock : public TimeSource {
 public:
  int64_t nowMs() const override { return 1'000'200'000'000; }
};

// Deliveries 1..100,000, one event each, created a second apart from kT0, spread over four
// partners (g % 4: om, igj, pvp, rvr) and 20,000 cases. The last 4,000 wait (pending, retry_wait,
// on a fallback channel: securemail or print), except rvr's: rvr has nothing waiting, so a query
// of rvr that walks another index in next_at order reads every waiting delivery of the others.
// Every tenth delivery has a legal deadline. One partner (not among them) is paused.
constexpr const char* kLoad = R"sql(
ALTER TABLE deliveries DISABLE TRIGGER USER;
INSERT INTO events(id, message_id, event_type, case_id, received_at, state, body)
SELECT g, 'm' || g, 'wvggz.crisismaatregel.genomen', 'Z' || (g % 20000), 1000000000000 + g * 1000,
       'accepted', '\x7b7d'::bytea
FROM generate_series(1, 100000) g;
INSERT INTO deliveries(seq, delivery_id, event_id, partner, product, case_id, state, attempts,
  next_at, deadline_at, legal_start_at, legal_deadline_at, created_at, updated_at, final_at,
  channel, channel_index, current_channel)
SELECT g, 'm' || g || '/' || p, g, p, 'product', 'Z' || (g % 20000), s,
  CASE WHEN s = 'pending' THEN 0 ELSE 1 END,
  1000000000000 + g * 1000 + CASE WHEN s IN ('delivered','dead') THEN 0 ELSE 60000 END,
  1000000000000 + g * 1000 + 1800000,
  CASE WHEN g % 10 = 0 THEN 1000000000000 + g * 1000 END,
  CASE WHEN g % 10 = 0 THEN 1000000000000 + g * 1000 + 86400000 END,
  1000000000000 + g * 1000, 1000000000000 + g * 1000,
  CASE WHEN s IN ('delivered','dead') THEN 1000000000000 + g * 1000 + 500 END,
  CASE WHEN s IN ('delivered','dead') THEN 'rest-xml' END,
  CASE WHEN s = 'fallback' THEN 1 ELSE 0 END,
  CASE WHEN s <> 'fallback' THEN 'rest-xml' WHEN g % 2 = 0 THEN 'securemail' ELSE 'print' END
FROM (SELECT g, (ARRAY['om','igj','pvp','rvr'])[1 + g % 4] AS p,
        CASE WHEN g <= 96000 OR g % 4 = 3 THEN (CASE WHEN g % 97 = 0 THEN 'dead' ELSE 'delivered' END)
             ELSE (ARRAY['pending','retry_wait','fallback'])[1 + g % 3] END AS s
      FROM generate_series(1, 100000) g) x;
INSERT INTO delivery_counts(partner, state, channel, n)
SELECT partner, state,
  CASE WHEN state IN ('delivered','dead') THEN COALESCE(channel, '') ELSE '' END, COUNT(*)
FROM deliveries GROUP BY 1, 2, 3;
ALTER TABLE deliveries ENABLE TRIGGER USER;
INSERT INTO partner_pauses VALUES ('ggd', 1000000000000, 'operator:alice');
ANALYZE;
)sql";

// After every next_at and deadline: everything waiting is due and overdue.
constexpr const char* kNow = "1000103600000";

struct Case {
  std::string name;
  std::string sql;    // the store's SQL (?N)
  std::string types;  // of the parameters, as the store binds them (text, bigint)
  std::string args;   // representative values
  std::vector<std::string> uses;
};

std::vector<Case> cases() {
  using namespace store;
  const auto pg = Dialect::kPostgres;
  const std::string now = kNow;
  std::vector<Case> c = {
      {"overdue",
       sql::overdue(pg),
       "text,bigint,bigint",
       "'om'," + now + ",32",
       {"deliveries_overdue"}},
      {"next due", sql::nextDue(pg), "", "", {"deliveries_next"}},
      {"counts",
       sql::counts(pg),
       "bigint",
       now,
       {"deliveries_state", "deliveries_legal_half", "deliveries_dead_legal"}},
      {"channel counts", sql::channelCounts(pg), "", "", {"delivery_counts"}},
  };
  // A partner with deliveries waiting and one with none (rvr); a fallback channel with some and
  // one with none that most final deliveries ended on (rest-xml). Nothing waiting must not cost a
  // walk through the others' waiting deliveries.
  for (const char* p : {"om", "rvr"}) {
    c.push_back({std::string("due ") + p,
                 sql::due(pg),
                 "text,bigint,bigint",
                 std::string("'") + p + "'," + now + ",32",
                 {"deliveries_due", "deliveries_case"}});
    c.push_back({std::string("next due of ") + p,
                 sql::nextDueOfPartner(pg),
                 "text",
                 std::string("'") + p + "'",
                 {"deliveries_due", "deliveries_case"}});
  }
  for (const char* ch : {"securemail", "rest-xml"}) {
    c.push_back({std::string("fallback due on ") + ch,
                 sql::fallbackDue(pg),
                 "text,bigint,bigint",
                 std::string("'") + ch + "'," + now + ",32",
                 {"deliveries_fallback"}});
    c.push_back({std::string("next due on ") + ch,
                 sql::nextDueOfChannel(pg),
                 "text",
                 std::string("'") + ch + "'",
                 {"deliveries_fallback"}});
  }
  return c;
}

class PgQueryPlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_name_ = "plan" + std::to_string(::getpid());
    migrated(db_name_);
    auto db = connect(db_name_);
    auto r = db.exec(kLoad);
    ASSERT_TRUE(r) << r.error().message;
  }
  static void TearDownTestSuite() { sharedPgServer().dropDatabase(db_name_); }

  // A new database with the store's schema (an SqlStore opened once: it migrates).
  static void migrated(const std::string& name) {
    auto& server = sharedPgServer();
    server.dropDatabase(name);
    server.createDatabase(name);
    store::SqlStore::Options o;
    o.postgres = conninfo(name);
    o.postgres_password_file = server.passwordFile();
    FixedClock clock;
    auto s = store::SqlStore::open(o, clock);
    ASSERT_TRUE(s) << s.error().message;
  }
  static std::string conninfo(const std::string& name) {
    return "host=127.0.0.1 port=" + std::to_string(sharedPgServer().port()) + " dbname=" + name +
           " user=" + hub::testing::PgServer::kSuperuser;
  }
  static store::Db connect(const std::string& name) {
    auto d = store::Db::openPostgres(conninfo(name), sharedPgServer().passwordFile());
    EXPECT_TRUE(d) << d.error().message;
    return d ? std::move(*d) : store::Db();
  }

  // Prepares the statement as `name`, with the types the store binds.
  static void prepare(store::Db& db, const Case& c, const std::string& name = "q") {
    auto prepared = db.exec("PREPARE " + name + (c.types.empty() ? "" : "(" + c.types + ")") +
                            " AS " + store::pgPlaceholders(c.sql));
    EXPECT_TRUE(prepared) << c.name << ": " << prepared.error().message;
  }
  static std::string execute(const Case& c, const std::string& name) {
    return "EXECUTE " + name + (c.args.empty() ? "" : "(" + c.args + ")");
  }
  // The plan's lines: `EXPLAIN (options) EXECUTE` of the statement (prepared now unless `name`).
  static std::string plan(store::Db& db, const Case& c, const std::string& options,
                          const std::string& name = "") {
    if (name.empty()) {
      EXPECT_TRUE(db.exec("DEALLOCATE ALL")) << c.name;
      prepare(db, c);
    }
    auto s = db.prepare("EXPLAIN (" + options + ") " + execute(c, name.empty() ? "q" : name));
    EXPECT_TRUE(s);
    std::string out;
    while (s) {
      auto row = s->step();
      EXPECT_TRUE(row) << c.name << ": " << row.error().message;
      if (!row || !*row) break;
      out += s->text(0) + "\n";
    }
    return out;
  }

  // Each expected index appears; the deliveries are never scanned whole (a Seq Scan of
  // partner_pauses or delivery_counts reads a few rows), and nothing matched is sorted whole (an
  // Incremental Sort sorts the rows of one next_at the index returned in its order).
  static void expectSeeks(const Case& c, const std::string& p, const char* which) {
    for (const auto& index : c.uses)
      EXPECT_NE(p.find(index), std::string::npos)
          << which << " " << c.name << ": no " << index << "\n"
          << p;
    EXPECT_EQ(p.find("Seq Scan on deliveries"), std::string::npos) << which << " " << c.name << "\n"
                                                                   << p;
    EXPECT_FALSE(std::regex_search("\n" + p, std::regex("(\n|->) *Sort  \\(")))
        << which << " " << c.name << "\n"
        << p;
  }

  static std::string db_name_;
};

std::string PgQueryPlanTest::db_name_;

TEST_F(PgQueryPlanTest, PlansForGivenValuesSeekAnIndexAndNeverScanTheDeliveries) {
  auto db = connect(db_name_);
  for (const auto& c : cases()) expectSeeks(c, plan(db, c, "FORMAT TEXT"), "custom");
}

TEST_F(PgQueryPlanTest, GenericPlansSeekAnIndexAndNeverScanTheDeliveries) {
  auto db = connect(db_name_);
  ASSERT_TRUE(db.exec("SET plan_cache_mode=force_generic_plan"));
  for (const auto& c : cases()) expectSeeks(c, plan(db, c, "FORMAT TEXT"), "generic");
}

// What a run read: no node throws away more than a few rows per loop (walking an index of every
// waiting delivery to find one partner's, or none, throws away thousands) and nothing is sorted
// whole.
void expectReadsLittle(const std::string& p, const std::string& what) {
  const std::regex removed("Rows Removed by (Join )?Filter: ([0-9]+)");
  for (std::sregex_iterator m(p.begin(), p.end(), removed), end; m != end; ++m)
    EXPECT_LE(std::atoi((*m)[2].str().c_str()), 50) << what << "\n" << p;
  EXPECT_FALSE(std::regex_search("\n" + p, std::regex("(\n|->) *Sort  \\("))) << what << "\n" << p;
}

TEST_F(PgQueryPlanTest, RunQueriesReadOnlyWhatTheyReturn) {
  auto db = connect(db_name_);
  for (const char* mode : {"auto", "force_generic_plan"}) {
    ASSERT_TRUE(db.exec(std::string("SET plan_cache_mode=") + mode));
    for (const auto& c : cases())
      expectReadsLittle(plan(db, c, "ANALYZE, TIMING OFF, FORMAT TEXT"), mode + (" " + c.name));
  }
}

// The hub prepares its statements on a new store: PostgreSQL plans them without statistics and
// keeps a generic plan until the table is next analyzed (autovacuum's first visit can be a minute
// later, and intake fills the store meanwhile). Such a plan must still seek, not compare each
// waiting delivery with every other (what the claim did: 0.4 s a claim with 500 waiting).
TEST_F(PgQueryPlanTest, PlansMadeOnAnEmptyStoreStillSeekOnceItFills) {
  const std::string name = "empty" + std::to_string(::getpid());
  migrated(name);
  auto db = connect(name);
  ASSERT_TRUE(db.exec("SET plan_cache_mode=force_generic_plan"));
  auto all = cases();
  for (size_t i = 0; i < all.size(); ++i) {
    prepare(db, all[i], "q" + std::to_string(i));
    EXPECT_TRUE(db.exec(execute(all[i], "q" + std::to_string(i)))) << all[i].name;
  }
  // 3,000 waiting, one case each: two thirds for om's coupling, a third on securemail.
  ASSERT_TRUE(db.exec(
      "INSERT INTO events(id, message_id, received_at, state) SELECT g, 'e' || g, g, 'accepted' "
      "FROM generate_series(1, 3000) g;"
      "INSERT INTO deliveries(delivery_id, event_id, partner, product, case_id, state, next_at, "
      "deadline_at, created_at, updated_at, channel_index, current_channel) SELECT 'd' || g, g, "
      "'om', 'product', 'C' || g, CASE WHEN g % 3 = 0 THEN 'fallback' ELSE 'pending' END, "
      "1000000000000 + g, 1000000000000 + g, 1000000000000 + g, 1000000000000 + g, "
      "CASE WHEN g % 3 = 0 THEN 1 ELSE 0 END, CASE WHEN g % 3 = 0 THEN 'securemail' "
      "ELSE 'rest-xml' END FROM generate_series(1, 3000) g"));
  for (size_t i = 0; i < all.size(); ++i)
    expectReadsLittle(plan(db, all[i], "ANALYZE, TIMING OFF", "q" + std::to_string(i)),
                      "plan of an empty store: " + all[i].name);
  db = store::Db();
  sharedPgServer().dropDatabase(name);
}

}  // namespace
