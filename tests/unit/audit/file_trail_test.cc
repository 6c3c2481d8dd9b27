// FileTrail: appending, restoring at open, day rotation and retention, with a hand-driven clock.
#include "hub/audit/file_trail.h"

#include <gtest/gtest.h>

#include <thread>

#include "audit_test_support.h"
#include "hub/core/time_format.h"

namespace hub::audit {
namespace {
using namespace test_support;

class FileTrailTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }

  std::unique_ptr<FileTrail> open(int retention_days = 1825) {
    auto t = FileTrail::open(trailOptions(dir_.path(), retention_days), clock_);
    EXPECT_TRUE(t) << t.error().message;
    return t ? std::move(*t) : nullptr;
  }
  // Appends n records stamped with the clock's time.
  void appendN(FileTrail& t, int n, const std::string& case_id = "Z-1") {
    std::vector<AuditRecord> batch;
    for (int i = 0; i < n; ++i) batch.push_back(makeRecord(clock_.nowMs(), case_id));
    auto r = t.append(batch);
    ASSERT_TRUE(r) << r.error().message;
  }
  std::vector<ParsedLine> parsed(const std::string& day) {
    std::vector<ParsedLine> out;
    for (const auto& l : readLines(dir_.dayFile(day))) {
      auto p = parseLine(l);
      EXPECT_TRUE(p) << l;
      if (p) out.push_back(*p);
    }
    return out;
  }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(FileTrailTest, AppendWritesSeqOneToNLinkedFromGenesis) {
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 0);
  appendN(*t, 2);
  clock_.advance(1500);
  appendN(*t, 1);
  EXPECT_EQ(t->lastSeq(), 3);
  EXPECT_TRUE(t->writable());
  EXPECT_EQ(t->lastError(), "");

  auto recs = parsed("2026-12-01");
  ASSERT_EQ(recs.size(), 3u);
  std::string prev = kGenesis;
  for (size_t i = 0; i < recs.size(); ++i) {
    EXPECT_EQ(recs[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(recs[i].prev, prev);
    EXPECT_TRUE(recs[i].hash_ok);
    EXPECT_EQ(field(recs[i], "instance"), "hub-1");
    prev = recs[i].hash;
  }
  EXPECT_EQ(field(recs[0], "time"), "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(field(recs[2], "time"), "2026-12-01T10:00:01.500Z");
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 3);
}

TEST_F(FileTrailTest, AnEmptyBatchWritesNothing) {
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->append({}));
  EXPECT_EQ(t->lastSeq(), 0);
  EXPECT_FALSE(exists(dir_.dayFile("2026-12-01")));
}

TEST_F(FileTrailTest, OpenCreatesTheDirectoryAndFailsWhenItIsAFile) {
  auto nested = FileTrail::open(trailOptions(dir_.path() + "/a/b"), clock_);
  ASSERT_TRUE(nested) << nested.error().message;
  EXPECT_TRUE(exists(dir_.path() + "/a/b"));
  writeFile(dir_.path() + "/plain", "x");
  EXPECT_FALSE(FileTrail::open(trailOptions(dir_.path() + "/plain"), clock_));
}

TEST_F(FileTrailTest, ReopeningRestoresSeqAndHashAndTheChainContinues) {
  {
    auto t = open();
    ASSERT_TRUE(t);
    appendN(*t, 4);
  }
  const std::string head = parsed("2026-12-01").back().hash;
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 4);
  appendN(*t, 2);
  auto recs = parsed("2026-12-01");
  ASSERT_EQ(recs.size(), 6u);
  EXPECT_EQ(recs[4].seq, 5);
  EXPECT_EQ(recs[4].prev, head);
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 6));
}

TEST_F(FileTrailTest, ATornLastLineIsCutOffAtOpen) {
  {
    auto t = open();
    ASSERT_TRUE(t);
    appendN(*t, 2);
  }
  const std::string path = dir_.dayFile("2026-12-01");
  const int64_t good = fileSize(path);
  const std::string head = parsed("2026-12-01").back().hash;
  appendToFile(path, "{\"seq\":3,\"time\":\"2026-12-01T10:00");  // a crash mid-write
  ASSERT_GT(fileSize(path), good);

  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(fileSize(path), good);
  EXPECT_EQ(t->lastSeq(), 2);
  appendN(*t, 1);
  auto recs = parsed("2026-12-01");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[2].seq, 3);
  EXPECT_EQ(recs[2].prev, head);
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.records, 3);
}

TEST_F(FileTrailTest, AFileWithOnlyATornLineStartsAtGenesis) {
  writeFile(dir_.dayFile("2026-12-01"), "{\"seq\":1,\"ti");
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(fileSize(dir_.dayFile("2026-12-01")), 0);
  EXPECT_EQ(t->lastSeq(), 0);
  appendN(*t, 1);
  auto recs = parsed("2026-12-01");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].seq, 1);
  EXPECT_EQ(recs[0].prev, kGenesis);
}

TEST_F(FileTrailTest, ADamagedLastRecordRefusesToOpen) {
  writeFile(dir_.dayFile("2026-12-01"), "this is not a record\n");
  auto t = FileTrail::open(trailOptions(dir_.path()), clock_);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("damaged"), std::string::npos) << t.error().message;
}

TEST_F(FileTrailTest, ANewUtcDayStartsANewFileAndTheChainContinues) {
  clock_.set(utcMs(2026, 12, 1, 23, 59, 59, 900));
  auto t = open();
  ASSERT_TRUE(t);
  appendN(*t, 2);
  clock_.set(utcMs(2026, 12, 2, 0, 0, 0, 100));
  appendN(*t, 1);
  auto day1 = parsed("2026-12-01");
  auto day2 = parsed("2026-12-02");
  ASSERT_EQ(day1.size(), 2u);
  ASSERT_EQ(day2.size(), 1u);
  EXPECT_EQ(day2[0].seq, 3);
  EXPECT_EQ(day2[0].prev, day1[1].hash);
  EXPECT_EQ(field(day2[0], "time"), "2026-12-02T00:00:00.100Z");

  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.files, 2);
  EXPECT_EQ(seqs, iota(1, 3));
  EXPECT_EQ(rep.anchor, "");

  // Reopened: restored from the newest file.
  t.reset();
  t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 3);
  appendN(*t, 1);
  EXPECT_EQ(parsed("2026-12-02").size(), 2u);
  EXPECT_TRUE(walk(dir_.path()).ok());
}

TEST_F(FileTrailTest, AnEmptyNewestFileRestoresFromTheOlderOne) {
  {
    auto t = open();
    ASSERT_TRUE(t);
    appendN(*t, 3);
  }
  writeFile(dir_.dayFile("2026-12-02"), "");  // created at a new day, nothing written yet
  clock_.set(utcMs(2026, 12, 2, 8));
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 3);
  appendN(*t, 1);
  auto day2 = parsed("2026-12-02");
  ASSERT_EQ(day2.size(), 1u);
  EXPECT_EQ(day2[0].seq, 4);
  EXPECT_EQ(day2[0].prev, parsed("2026-12-01").back().hash);
  EXPECT_TRUE(walk(dir_.path()).ok());
}

TEST_F(FileTrailTest, AClockStepBackStaysInTheCurrentFile) {
  clock_.set(utcMs(2026, 12, 2, 0, 0, 5));
  auto t = open();
  ASSERT_TRUE(t);
  appendN(*t, 1);
  clock_.set(utcMs(2026, 12, 1, 23, 59, 58));  // NTP stepped back across midnight
  appendN(*t, 1);
  EXPECT_FALSE(exists(dir_.dayFile("2026-12-01")));
  EXPECT_EQ(parsed("2026-12-02").size(), 2u);
  EXPECT_TRUE(walk(dir_.path()).ok());
}

TEST_F(FileTrailTest, RetentionRemovesOldFilesAfterAPurgeRecordNamingTheAnchor) {
  auto t = open(/*retention_days=*/2);
  ASSERT_TRUE(t);
  appendN(*t, 3);
  const std::string anchor = parsed("2026-12-01").back().hash;

  clock_.advance(5 * kDayMs);  // 2026-12-06
  appendN(*t, 1);
  EXPECT_FALSE(exists(dir_.dayFile("2026-12-01")));
  auto recs = parsed("2026-12-06");
  ASSERT_EQ(recs.size(), 2u);
  const auto& purge = recs[0];
  EXPECT_TRUE(purge.hash_ok);
  EXPECT_EQ(field(purge, "action"), "audit_purged");
  EXPECT_EQ(field(purge, "outcome"), "removed");
  EXPECT_EQ(field(purge, "user"), "ketenhub");
  EXPECT_EQ(field(purge, "reason"), "retention.audit_days 2");
  EXPECT_EQ(field(purge, "time"), formatRfc3339Utc(clock_.nowMs()));
  EXPECT_EQ(field(purge, "detail"), "files=1;from=2026-12-01;through=2026-12-01;anchor=" + anchor);
  EXPECT_EQ(purge.seq, 4);
  EXPECT_EQ(purge.prev, anchor);
  EXPECT_EQ(recs[1].seq, 5);
  EXPECT_EQ(recs[1].prev, purge.hash);
  EXPECT_EQ(field(recs[1], "action"), "delivered");

  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.anchor, anchor);
  EXPECT_EQ(rep.files, 1);
  EXPECT_EQ(rep.first_seq, 4);
  EXPECT_EQ(rep.last_seq, 5);
  EXPECT_EQ(seqs, iota(4, 5));
}

TEST_F(FileTrailTest, RetentionKeepsTheFilesInsideTheWindow) {
  auto t = open(/*retention_days=*/3);
  ASSERT_TRUE(t);
  for (int d = 0; d < 4; ++d) {  // 12-01 .. 12-04, one record each: nothing expires yet
    clock_.set(kT0 + d * kDayMs);
    appendN(*t, 1);
  }
  for (const char* day : {"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"})
    EXPECT_TRUE(exists(dir_.dayFile(day))) << day;
  const std::string anchor = parsed("2026-12-03").back().hash;

  clock_.set(kT0 + 6 * kDayMs);  // 12-07: the cutoff is 12-04
  appendN(*t, 1);
  for (const char* day : {"2026-12-01", "2026-12-02", "2026-12-03"})
    EXPECT_FALSE(exists(dir_.dayFile(day))) << day;
  EXPECT_TRUE(exists(dir_.dayFile("2026-12-04")));
  auto recs = parsed("2026-12-07");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(field(recs[0], "detail"),
            "files=3;from=2026-12-01;through=2026-12-03;anchor=" + anchor);

  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.anchor, anchor);
  EXPECT_EQ(rep.files, 2);
  EXPECT_EQ(seqs, iota(4, 6));
}

TEST_F(FileTrailTest, RetentionPurgesAgainAfterAReopen) {
  {
    auto t = open(2);
    ASSERT_TRUE(t);
    appendN(*t, 2);
    clock_.advance(5 * kDayMs);
    appendN(*t, 2);  // purge 1 + 2 records in 12-06
  }
  const std::string anchor2 = parsed("2026-12-06").back().hash;
  clock_.advance(10 * kDayMs);  // 12-16
  auto t = open(2);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 5);
  appendN(*t, 1);
  EXPECT_FALSE(exists(dir_.dayFile("2026-12-06")));
  auto recs = parsed("2026-12-16");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(field(recs[0], "action"), "audit_purged");
  EXPECT_EQ(recs[0].prev, anchor2);
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(rep.anchor, anchor2);
  EXPECT_EQ(rep.first_seq, 6);
  EXPECT_EQ(rep.last_seq, 7);
}

TEST_F(FileTrailTest, NothingIsPurgedInsideTheDefaultRetention) {
  auto t = open();
  ASSERT_TRUE(t);
  for (int d = 0; d < 10; ++d) {
    clock_.set(kT0 + d * 3 * kDayMs);
    appendN(*t, 1);
  }
  auto files = listDayFiles(dir_.path());
  ASSERT_TRUE(files);
  EXPECT_EQ(files->size(), 10u);
  int purges = 0;
  walkTrail(dir_.path(), [&](const ParsedLine& p) {
    purges += field(p, "action") == "audit_purged";
  }).value();
  EXPECT_EQ(purges, 0);
  EXPECT_EQ(t->lastSeq(), 10);
}

TEST_F(FileTrailTest, ConcurrentAppendsFormOneChain) {
  auto t = open();
  ASSERT_TRUE(t);
  constexpr int kThreads = 4, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        std::vector<AuditRecord> batch{makeRecord(kT0, "Z-" + std::to_string(i))};
        if (j % 5 == 0) batch.push_back(makeRecord(kT0, "Z-" + std::to_string(i)));
        if (!t->append(batch)) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t total = kThreads * (kPerThread + kPerThread / 5);
  EXPECT_EQ(t->lastSeq(), total);
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, total));
}

}  // namespace
}  // namespace hub::audit
