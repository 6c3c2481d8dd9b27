#include "hub/admin/status_table.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hub::admin {
namespace {

boost::json::value parse(const char* s) { return boost::json::parse(s); }

size_t at(const std::string& out, const std::string& what) {
  size_t p = out.find(what);
  EXPECT_NE(p, std::string::npos) << what << " not in\n" << out;
  return p;
}

TEST(StatusTable, TheWorstPartnerComesFirstAndOkIsLast) {
  auto v = parse(R"({"partners":{
      "aaa":{"delivered":4,"circuit":"closed","state":"ok","in_flight_now":0},
      "bbb":{"retry_wait":2,"circuit":"closed","state":"ok"},
      "ccc":{"dead":1,"dead_within_legal_deadline":1,"circuit":"closed","state":"ok"},
      "ddd":{"pending":3,"circuit":"open","state":"circuit-open"},
      "eee":{"pending":1,"circuit":"closed","state":"paused","paused":true}},
    "intake":{"local":{"connected":true},"rabbit":{"connected":false}},
    "store_writable":true})");
  std::string out = statusTable(v, false);
  EXPECT_LT(at(out, "ddd "), at(out, "ccc "));
  EXPECT_LT(at(out, "ccc "), at(out, "eee "));
  EXPECT_LT(at(out, "eee "), at(out, "bbb "));
  EXPECT_LT(at(out, "bbb "), at(out, "aaa "));
  at(out, "dead-in-time");
  at(out, "circuit-open");
  at(out, "degraded");
  // Disconnected sources first.
  EXPECT_LT(at(out, "rabbit  no"), at(out, "local   yes"));
  at(out, "store: writable");
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << "no colour when not asked";
}

TEST(StatusTable, ColumnsLineUpUnderTheirHeaders) {
  auto v = parse(
      R"({"partners":{"om":{"pending":12,"in_flight_now":3,"retry_wait":1,"fallback":2,"dead":5,
      "dead_within_legal_deadline":4,"circuit":"closed","state":"ok"}},"intake":{}})");
  std::string out = statusTable(v, false);
  std::string header = out.substr(0, out.find('\n'));
  EXPECT_EQ(header,
            "PARTNER  STATE         PENDING  IN FLIGHT  RETRY WAIT  FALLBACK  DEAD  DEAD IN TIME  "
            "CIRCUIT");
  std::string row = out.substr(out.find('\n') + 1);
  row = row.substr(0, row.find('\n'));
  EXPECT_EQ(row,
            "om       dead-in-time       12          3           1         2     5             4  "
            "closed");
  at(out, "no intake sources");
}

TEST(StatusTable, ColourMarksTroubleAndResetsWithoutShiftingColumns) {
  auto v = parse(R"({"partners":{"om":{"dead":1,"dead_within_legal_deadline":1,
      "circuit":"closed","state":"ok"}},"intake":{"local":{"connected":false}},
      "store_writable":false})");
  std::string plain = statusTable(v, false), coloured = statusTable(v, true);
  at(coloured, "\x1b[31;1mdead-in-time\x1b[0m");
  at(coloured, "\x1b[31;1mno\x1b[0m");
  at(coloured, "\x1b[31;1mNOT WRITABLE\x1b[0m");
  std::string stripped;
  for (size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      i = coloured.find('m', i);
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, plain);
}

TEST(StatusTable, MissingOrOddFieldsDoNotThrow) {
  EXPECT_EQ(statusTable(parse("[]"), false), "no partners\n\nno intake sources\n");
  std::string out = statusTable(parse(R"({"partners":{"om":7},"intake":{"x":1}})"), false);
  at(out, "om ");
  at(out, "x   ");
}

TEST(DeadDeliveriesTable, OneRowPerDeliveryAndTheNextCursor) {
  auto v = parse(R"({"items":[{"delivery_id":"d-1","partner":"om",
      "product":"kennisgeving-crisismaatregel","event_type":"wvggz.crisismaatregel.genomen",
      "zaaknummer":"CM-1","attempts":3,"final_at":"2026-01-01T10:00:00Z",
      "legal_deadline_at":null,"reason":"HTTP 400\nbad request"}],"next_cursor":"17"})");
  std::string out = deadDeliveriesTable(v);
  at(out, "DELIVERY ID");
  EXPECT_EQ(out.find("\nd-1 "), out.find('\n'));  // the first row
  at(out, "2026-01-01T10:00:00Z");
  at(out, "HTTP 400 bad request");  // one line per row
  at(out, "more: add --cursor 17");
  EXPECT_EQ(deadDeliveriesTable(parse(R"({"items":[],"next_cursor":null})")),
            "no dead deliveries\n");
}

TEST(DeadDeliveriesTable, ALongReasonIsClippedOnACharacterBoundary) {
  std::string reason(100, 'x');
  reason.replace(68, 2, "é");
  boost::json::object d{{"delivery_id", "d"}, {"reason", reason}};
  std::string out = deadDeliveriesTable(boost::json::object{{"items", boost::json::array{d}}});
  at(out, std::string(68, 'x') + "é…");
}

TEST(QuarantineTable, ListsTheEventsAndTheirReasons) {
  auto v = parse(R"({"items":[{"message_id":"q-1","event_type":"wzd.x","zaaknummer":"Z",
      "source":"local","received_at":"2026-01-01T10:00:00Z","reason":"no route"}],
      "next_cursor":null})");
  std::string out = quarantineTable(v);
  at(out, "MESSAGE ID");
  at(out, "q-1");
  at(out, "no route");
  EXPECT_EQ(out.find("more:"), std::string::npos);
  EXPECT_EQ(quarantineTable(parse(R"({"items":[]})")), "no quarantined events\n");
}

TEST(PrettyJson, IndentsAndEscapes) {
  EXPECT_EQ(prettyJson(parse(R"({"a":[1,{"b":"x\"y"}],"c":{},"d":[]})")),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\\\"y\"\n    }\n  ],\n"
            "  \"c\": {},\n  \"d\": []\n}\n");
}

}  // namespace
}  // namespace hub::admin
