// walkTrail / reportJson / exportCase: verifying the chain, and tampering with the files.
#include "hub/audit/trail_reader.h"

#include <gtest/gtest.h>

#include "audit_test_support.h"
#include "hub/core/time_format.h"

namespace hub::audit {
namespace {
namespace bj = boost::json;
using namespace test_support;

class TrailReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }

  // n records per day, cases alternating A, B (seq 1, 3, 5, ... are case A).
  void build(int per_day, int days = 1, int retention_days = 1825) {
    auto t = FileTrail::open(trailOptions(dir_.path(), retention_days), clock_);
    ASSERT_TRUE(t) << t.error().message;
    int k = 0;
    for (int d = 0; d < days; ++d) {
      clock_.set(kT0 + d * kDayMs);
      for (int i = 0; i < per_day; ++i, ++k) {
        auto r = (*t)->append({makeRecord(clock_.nowMs() + i, k % 2 ? "Z-B" : "Z-A")});
        ASSERT_TRUE(r) << r.error().message;
      }
    }
  }
  std::string file() const { return dir_.dayFile("2026-12-01"); }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(TrailReaderTest, AnIntactTrailIsOk) {
  build(4, 3);
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 12);
  EXPECT_EQ(rep.files, 3);
  EXPECT_EQ(rep.first_seq, 1);
  EXPECT_EQ(rep.last_seq, 12);
  EXPECT_EQ(rep.anchor, "");
  EXPECT_EQ(rep.file, "");
  EXPECT_EQ(seqs, iota(1, 12));
}

TEST_F(TrailReaderTest, AnEmptyOrMissingDirectoryIsAnIntactEmptyTrail) {
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 0);
  EXPECT_EQ(rep.files, 0);
  rep = walk(dir_.path() + "/missing");
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 0);
}

TEST_F(TrailReaderTest, OtherFilesInTheDirectoryAreIgnored) {
  build(3);
  writeFile(dir_.path() + "/README", "not a record\n");
  writeFile(dir_.path() + "/audit-2026-12-01.jsonl.orig", "not a record\n");
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 3);
  EXPECT_EQ(rep.files, 1);
}

TEST_F(TrailReaderTest, AnEditedFieldIsReportedAtThatRecord) {
  build(5);
  auto lines = readLines(file());
  const std::string from = "\"outcome\":\"delivered\"";
  auto at = lines[2].find(from);
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, from.size(), "\"outcome\":\"refused\"");
  writeLines(file(), lines);

  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.seq, 3);
  EXPECT_EQ(rep.line, 3);
  EXPECT_EQ(rep.file, file());
  EXPECT_NE(rep.why.find("record 3 was changed"), std::string::npos) << rep.why;
  EXPECT_EQ(seqs, iota(1, 2));  // on_record stops before the broken record
}

TEST_F(TrailReaderTest, AnEditedAndResealedRecordBreaksTheNextLink) {
  build(5);
  auto lines = readLines(file());
  auto p = parseLine(lines[2]);
  ASSERT_TRUE(p);
  AuditRecord forged = makeRecord(kT0 + 2, "Z-A", "refused");
  lines[2] = seal(forged, testOrigin(), p->seq, p->prev).line;
  lines[2].pop_back();
  writeLines(file(), lines);

  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.seq, 4);
  EXPECT_EQ(rep.line, 4);
  EXPECT_NE(rep.why.find("does not link to record 3"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ADeletedLineIsReportedAsMissing) {
  build(5);
  auto lines = readLines(file());
  lines.erase(lines.begin() + 2);  // record 3
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.seq, 4);
  EXPECT_EQ(rep.line, 3);
  EXPECT_EQ(rep.file, file());
  EXPECT_NE(rep.why.find("records 3..3 are missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, SeveralDeletedLinesAreReportedAsARange) {
  build(6);
  auto lines = readLines(file());
  lines.erase(lines.begin() + 1, lines.begin() + 4);  // records 2..4
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.seq, 5);
  EXPECT_EQ(rep.line, 2);
  EXPECT_NE(rep.why.find("records 2..4 are missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, SwappedLinesAreBroken) {
  build(5);
  auto lines = readLines(file());
  std::swap(lines[1], lines[2]);  // records 3 and 2
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.line, 2);
  EXPECT_EQ(rep.seq, 3);
  EXPECT_EQ(rep.records, 1);
}

TEST_F(TrailReaderTest, ADuplicatedLineIsBroken) {
  build(5);
  auto lines = readLines(file());
  lines.insert(lines.begin() + 2, lines[1]);  // record 2 twice
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.line, 3);
  EXPECT_EQ(rep.seq, 2);
  EXPECT_NE(rep.why.find("inserted or reordered"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ALineThatIsNoRecordIsBroken) {
  build(3);
  auto lines = readLines(file());
  lines.insert(lines.begin() + 1, "hello");
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.line, 2);
  EXPECT_EQ(rep.seq, 0);
  EXPECT_NE(rep.why.find("not a sealed audit record"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ADeletedFirstDayFileWithoutAPurgeIsBroken) {
  build(2, 3);
  ASSERT_EQ(::unlink(file().c_str()), 0);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.file, dir_.dayFile("2026-12-02"));
  EXPECT_EQ(rep.line, 1);
  EXPECT_EQ(rep.seq, 3);
  EXPECT_NE(rep.why.find("predecessor is missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ADeletedFirstRecordIsBroken) {
  build(3);
  auto lines = readLines(file());
  lines.erase(lines.begin());
  writeLines(file(), lines);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.seq, 2);
  EXPECT_NE(rep.why.find("predecessor is missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ADeletedMiddleDayFileIsBroken) {
  build(2, 3);
  ASSERT_EQ(::unlink(dir_.dayFile("2026-12-02").c_str()), 0);
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.file, dir_.dayFile("2026-12-03"));
  EXPECT_EQ(rep.seq, 5);
  EXPECT_NE(rep.why.find("records 3..4 are missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ATornLastLineOfTheNewestFileIsAWriteInProgress) {
  build(2, 2);
  appendToFile(dir_.dayFile("2026-12-02"), "{\"seq\":5,\"time\":");
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 4);
}

TEST_F(TrailReaderTest, ATornLastLineOfAnOlderFileIsBroken) {
  build(2, 2);
  appendToFile(file(), "{\"seq\":3,\"time\":");
  auto rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.file, file());
  EXPECT_EQ(rep.seq, 3);
  EXPECT_NE(rep.why.find("incomplete record"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, APurgedTrailStartsAtItsAnchor) {
  build(2, 1, /*retention_days=*/2);
  const std::string anchor = parseLine(readLines(file()).back())->hash;
  clock_.set(kT0 + 5 * kDayMs);
  {
    auto t = FileTrail::open(trailOptions(dir_.path(), 2), clock_);
    ASSERT_TRUE(t);
    ASSERT_TRUE((*t)->append({makeRecord(clock_.nowMs(), "Z-A")}));
  }
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.anchor, anchor);
  EXPECT_EQ(rep.first_seq, 3);
  EXPECT_EQ(reportJson(rep).at("anchor").as_string(), anchor);

  // Without its purge record the anchor proves nothing.
  auto lines = readLines(dir_.dayFile("2026-12-06"));
  ASSERT_EQ(lines.size(), 2u);
  lines.erase(lines.begin());
  writeLines(dir_.dayFile("2026-12-06"), lines);
  rep = walk(dir_.path());
  EXPECT_FALSE(rep.ok());
  EXPECT_NE(rep.why.find("predecessor is missing"), std::string::npos) << rep.why;
}

TEST_F(TrailReaderTest, ReportJsonSaysIntactOrNamesTheFirstBrokenLink) {
  build(3);
  auto good = reportJson(walk(dir_.path()));
  EXPECT_EQ(good.at("intact").as_bool(), true);
  EXPECT_EQ(good.at("records").as_int64(), 3);
  EXPECT_EQ(good.at("files").as_int64(), 1);
  EXPECT_EQ(good.at("first_seq").as_int64(), 1);
  EXPECT_EQ(good.at("last_seq").as_int64(), 3);
  EXPECT_FALSE(good.contains("first_broken"));
  EXPECT_FALSE(good.contains("anchor"));

  auto lines = readLines(file());
  lines.erase(lines.begin() + 1);
  writeLines(file(), lines);
  auto bad = reportJson(walk(dir_.path()));
  EXPECT_EQ(bad.at("intact").as_bool(), false);
  const auto& fb = bad.at("first_broken").as_object();
  EXPECT_EQ(fb.at("file").as_string(), file());
  EXPECT_EQ(fb.at("line").as_int64(), 2);
  EXPECT_EQ(fb.at("seq").as_int64(), 3);
  EXPECT_NE(std::string(fb.at("why").as_string()).find("missing"), std::string::npos);
}

TEST_F(TrailReaderTest, ExportCaseHoldsOnlyThatCasesRecordsAndTheVerdict) {
  build(3, 2);  // seq 1..6; case A: 1, 3, 5
  const int64_t now = kT0 + 10 * kDayMs + 42;
  auto e = exportCase(dir_.path(), "Z-A", now);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->at("case_id").as_string(), "Z-A");
  EXPECT_EQ(e->at("exported_at").as_string(), formatRfc3339Utc(now));
  const auto& chain = e->at("chain").as_object();
  EXPECT_EQ(chain.at("intact").as_bool(), true);
  EXPECT_EQ(chain.at("records").as_int64(), 6);
  const auto& recs = e->at("records").as_array();
  ASSERT_EQ(recs.size(), 3u);
  std::vector<int64_t> seqs;
  for (const auto& r : recs) {
    const auto& o = r.as_object();
    EXPECT_EQ(o.at("case_id").as_string(), "Z-A");
    EXPECT_TRUE(o.contains("prev"));
    EXPECT_TRUE(o.contains("hash"));
    EXPECT_TRUE(o.contains("time"));
    seqs.push_back(o.at("seq").as_int64());
  }
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(bj::serialize(e->at("records")).find("Z-B"), std::string::npos);

  auto none = exportCase(dir_.path(), "Z-C", now);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->at("records").as_array().empty());
  EXPECT_EQ(none->at("chain").at("intact").as_bool(), true);
}

TEST_F(TrailReaderTest, ExportCaseOfABrokenTrailSaysSo) {
  build(6);
  auto lines = readLines(file());
  lines.erase(lines.begin() + 3);  // record 4 (case B)
  writeLines(file(), lines);
  auto e = exportCase(dir_.path(), "Z-A", kT0);
  ASSERT_TRUE(e) << e.error().message;
  const auto& chain = e->at("chain").as_object();
  EXPECT_EQ(chain.at("intact").as_bool(), false);
  EXPECT_EQ(chain.at("first_broken").at("seq").as_int64(), 5);
  // The records up to the break: 1 and 3.
  EXPECT_EQ(e->at("records").as_array().size(), 2u);
}

}  // namespace
}  // namespace hub::audit
