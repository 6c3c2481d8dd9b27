// FileTrail when appends fail: an immutable day file (chattr +i), a file size limit that cuts a
// write short (RLIMIT_FSIZE), and a record longer than the tail window read at open.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include "audit_test_support.h"
#include "hub/audit/file_trail.h"

namespace hub::audit {
namespace {
using namespace test_support;

// Lowers the process's file size limit (soft) for its lifetime: a write() that crosses it is cut
// short, the next one fails with EFBIG (SIGXFSZ is ignored meanwhile).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(int64_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit l = old_;
    l.rlim_cur = static_cast<rlim_t>(bytes);
    ok_ = ::setrlimit(RLIMIT_FSIZE, &l) == 0;
  }
  ~FileSizeLimit() { release(); }
  bool ok() const { return ok_; }
  void release() {
    if (!ok_) return;
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
    ok_ = false;
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_ = SIG_DFL;
  bool ok_ = false;
};

class FileTrailFailureTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }

  std::unique_ptr<FileTrail> open() {
    auto t = FileTrail::open(trailOptions(dir_.path()), clock_);
    EXPECT_TRUE(t) << t.error().message;
    return t ? std::move(*t) : nullptr;
  }
  std::vector<AuditRecord> batch(int n) {
    std::vector<AuditRecord> b;
    for (int i = 0; i < n; ++i) b.push_back(makeRecord(clock_.nowMs(), "Z-" + std::to_string(i)));
    return b;
  }
  std::string lastHash(const std::string& day) {
    auto lines = readLines(dir_.dayFile(day));
    if (lines.empty()) return kGenesis;
    auto p = parseLine(lines.back());
    return p ? p->hash : std::string();
  }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(FileTrailFailureTest, AnImmutableDayFileFailsTheAppendUntilItIsWritableAgain) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(2)));
  const std::string path = dir_.dayFile("2026-12-01");
  const std::string before = readFile(path);

  ImmutableGuard immutable(path);
  if (!immutable.ok()) GTEST_SKIP() << "chattr +i not supported here (needs root on ext4)";
  auto r = t->append(batch(3));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot write"), std::string::npos) << r.error().message;
  EXPECT_FALSE(t->writable());
  EXPECT_NE(t->lastError(), "");
  EXPECT_EQ(t->lastSeq(), 2);
  EXPECT_EQ(readFile(path), before);
  // Still failing: the state stays as it was.
  EXPECT_FALSE(t->append(batch(1)));
  EXPECT_FALSE(t->writable());
  EXPECT_EQ(t->lastSeq(), 2);

  immutable.release();
  auto ok = t->append(batch(1));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(t->writable());
  EXPECT_EQ(t->lastError(), "");
  EXPECT_EQ(t->lastSeq(), 3);

  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 3));  // no gap, nothing of the failed batches
  auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(readFile(path).substr(0, before.size()), before);
  EXPECT_EQ(readFile(path).back(), '\n');
}

TEST_F(FileTrailFailureTest, AFailedNewDayFileIsOpenedAgainOnTheNextAppend) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(1)));
  const std::string next = dir_.dayFile("2026-12-02");
  writeFile(next, "");
  ImmutableGuard immutable(next);
  if (!immutable.ok()) GTEST_SKIP() << "chattr +i not supported here (needs root on ext4)";

  clock_.advance(kDayMs);
  auto r = t->append(batch(1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot open"), std::string::npos) << r.error().message;
  EXPECT_FALSE(t->writable());
  EXPECT_EQ(readLines(dir_.dayFile("2026-12-01")).size(), 1u);  // not written to the old day

  immutable.release();
  ASSERT_TRUE(t->append(batch(1)));
  EXPECT_TRUE(t->writable());
  EXPECT_EQ(readLines(next).size(), 1u);
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 2));
}

TEST_F(FileTrailFailureTest, AWriteCutShortIsCutOffBeforeTheNextAppend) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(2)));
  const std::string path = dir_.dayFile("2026-12-01");
  const int64_t good = fileSize(path);
  {
    FileSizeLimit limit(good + 100);  // the write stops 100 bytes into the next record
    ASSERT_TRUE(limit.ok());
    auto r = t->append(batch(2));
    limit.release();
    ASSERT_FALSE(r);
    EXPECT_FALSE(t->writable());
    EXPECT_NE(t->lastError(), "");
  }
  EXPECT_EQ(fileSize(path), good);   // the half record is cut off at once
  ASSERT_TRUE(t->append(batch(1)));  // and the chain goes on
  EXPECT_TRUE(t->writable());
  auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 3u);
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 3));
}

// A write that fails after whole records (disk full, fdatasync() failing with EIO) leaves none
// of them behind: append() promises all or nothing, also when the hub stops right after.
TEST_F(FileTrailFailureTest, AFailedAppendLeavesNoCompleteRecordBehind) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(2)));
  const std::string path = dir_.dayFile("2026-12-01");
  const int64_t good = fileSize(path);
  auto failing = batch(2);
  const Sealed first = seal(failing[0], testOrigin(), 3, lastHash("2026-12-01"));
  {
    FileSizeLimit limit(good + static_cast<int64_t>(first.line.size()));
    ASSERT_TRUE(limit.ok());
    auto r = t->append(failing);
    limit.release();
    ASSERT_FALSE(r);
  }
  EXPECT_EQ(t->lastSeq(), 2);
  EXPECT_EQ(walk(dir_.path()).records, 2) << "a record of the failed batch is in the trail";
  t.reset();  // the hub stops before the next append
  t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 2) << "the failed batch's first record was restored as committed";
  EXPECT_EQ(readLines(path).size(), 2u);
}

// A large batch is written in several chunks before its one fdatasync: a write failing in a
// later chunk takes the earlier chunks of the same batch with it (all or nothing as before).
TEST_F(FileTrailFailureTest, ABatchFailingInALaterChunkLeavesNothingOfItBehind) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(2)));
  const std::string path = dir_.dayFile("2026-12-01");
  const int64_t good = fileSize(path);
  auto big = batch(1000);  // several hundred KB: more than one chunk
  {
    FileSizeLimit limit(good + 200 * 1024);  // the first chunks fit, a later one does not
    ASSERT_TRUE(limit.ok());
    auto r = t->append(big);
    limit.release();
    ASSERT_FALSE(r);
  }
  EXPECT_EQ(fileSize(path), good);
  EXPECT_EQ(t->lastSeq(), 2);
  ASSERT_TRUE(t->append(big));  // the same batch again, now whole
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 1002));
  EXPECT_GT(fileSize(path), good + 200 * 1024);
}

// A failed write just before midnight is cut off the old day file before the next day starts.
TEST_F(FileTrailFailureTest, AWriteCutShortJustBeforeMidnightIsCutOffToo) {
  clock_.set(utcMs(2026, 12, 1, 23, 59, 59));
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->append(batch(2)));
  const std::string path = dir_.dayFile("2026-12-01");
  const int64_t good = fileSize(path);
  {
    FileSizeLimit limit(good + 100);
    ASSERT_TRUE(limit.ok());
    auto r = t->append(batch(1));
    limit.release();
    ASSERT_FALSE(r);
  }
  clock_.set(utcMs(2026, 12, 2, 0, 0, 1));
  ASSERT_TRUE(t->append(batch(1)));
  EXPECT_EQ(fileSize(path), good) << "the failed write's bytes are still in the old day file";
  std::vector<int64_t> seqs;
  auto rep = walk(dir_.path(), &seqs);
  EXPECT_TRUE(rep.ok()) << rep.why;
  EXPECT_EQ(seqs, iota(1, 3));
}

// A record with a huge field stays small enough for restore() to read it back (fields are
// bounded), so the chain never restarts at genesis.
TEST_F(FileTrailFailureTest, AVeryLongLastRecordIsRestoredAtOpen) {
  {
    auto t = open();
    ASSERT_TRUE(t);
    auto b = batch(1);
    b[0].detail = std::string(3 << 20, 'x');
    auto r = t->append(b);
    if (!r) {
      GTEST_SUCCEED() << "refused: " << r.error().message;  // refusing it is a fix as well
      return;
    }
  }
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lastSeq(), 1);
  ASSERT_TRUE(t->append(batch(1)));
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
}

// Bytes that are not UTF-8 (a message-id from the wire) never make the trail unreadable.
TEST_F(FileTrailFailureTest, ARecordWithInvalidUtf8KeepsTheTrailReadable) {
  {
    auto t = open();
    ASSERT_TRUE(t);
    auto b = batch(1);
    b[0].message_id = "msg-\xff\xfe";
    ASSERT_TRUE(t->append(b));
  }
  auto rep = walk(dir_.path());
  EXPECT_TRUE(rep.ok()) << rep.why;
  auto t = FileTrail::open(trailOptions(dir_.path()), clock_);
  EXPECT_TRUE(t) << t.error().message;
}

}  // namespace
}  // namespace hub::audit
