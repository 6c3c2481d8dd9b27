#include "tools/partner_sim/records.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/partner_sim/received_store.h"

namespace hub::sim {
namespace {

ReceivedRecord sample() {
  ReceivedRecord r;
  r.delivery_id = "d-1";
  r.product = "crisismaatregel";
  r.case_id = "Z-\"1\"";
  r.event_type = "ev";
  r.verified = true;
  r.signer_oin = "00000099000000000001";
  r.client_oin = "00000099000000000001";
  r.time = "2026-01-02T03:04:05.006Z";
  return r;
}

TEST(Records, JsonLine) {
  EXPECT_EQ(receivedJsonLine(sample()),
            "{\"delivery_id\":\"d-1\",\"product\":\"crisismaatregel\",\"case_id\":\"Z-\\\"1\\\"\","
            "\"event_type\":\"ev\",\"verified\":true,\"signer_oin\":\"00000099000000000001\","
            "\"client_oin\":\"00000099000000000001\",\"time\":\"2026-01-02T03:04:05.006Z\"}\n");
}

TEST(Records, ReceiptEscapes) {
  ReceivedRecord r = sample();
  r.product = "a<b";
  std::string xml = receiptXml(r, "om");
  EXPECT_NE(xml.find("<product>a&lt;b</product>"), std::string::npos);
  EXPECT_NE(xml.find("<partner>om</partner>"), std::string::npos);
  EXPECT_NE(xml.find("<verified>true</verified>"), std::string::npos);
}

TEST(Records, IsoTime) {
  using namespace std::chrono;
  EXPECT_EQ(isoTimeUtc(system_clock::time_point(milliseconds(1700000000123))),
            "2023-11-14T22:13:20.123Z");
}

TEST(ReceivedStore, WritesDocumentAndAppendsLines) {
  std::string dir = ::testing::TempDir() + "/ketenhub-sim-store-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  {
    auto store = ReceivedStore::open(dir);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->store(sample(), "<one/>"));
    ASSERT_TRUE((*store)->store(sample(), "<two/>"));  // a duplicate replaces the document
  }
  std::ifstream doc(dir + "/d-1.xml");
  std::stringstream ss;
  ss << doc.rdbuf();
  EXPECT_EQ(ss.str(), "<two/>");
  std::ifstream jsonl(dir + "/received.jsonl");
  int lines = 0;
  for (std::string line; std::getline(jsonl, line);) ++lines;
  EXPECT_EQ(lines, 2);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2);  // no temp files left
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hub::sim
