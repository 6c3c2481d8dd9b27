// day_files: naming, listing and reading the tail of the trail's day files.
#include "hub/audit/day_files.h"

#include <gtest/gtest.h>

#include "audit_test_support.h"

namespace hub::audit {
namespace {
using namespace test_support;

TEST(DayFilesTest, DayOfIsTheUtcDate) {
  EXPECT_EQ(dayOf(utcMs(2026, 12, 1, 23, 59, 59, 999)), "2026-12-01");
  EXPECT_EQ(dayOf(utcMs(2026, 12, 2)), "2026-12-02");
  EXPECT_EQ(dayOf(utcMs(2026, 12, 31, 23, 59, 59, 999) + 1), "2027-01-01");
  EXPECT_EQ(dayOf(utcMs(2028, 2, 29, 12)), "2028-02-29");
  EXPECT_EQ(dayOf(0), "1970-01-01");
  EXPECT_EQ(dayFileName("2026-12-01"), "audit-2026-12-01.jsonl");
}

TEST(DayFilesTest, ListsOnlyDayFilesOldestFirst) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  for (const char* name :
       {"audit-2026-12-03.jsonl", "audit-2026-11-30.jsonl", "audit-2026-12-01.jsonl",
        "audit-2026-12-01.jsonl.bak", "audit-2026-1-01.jsonl", "audit-2026-12-0x.jsonl",
        "notes.txt", "xaudit-2026-12-02.jsonl", "audit-2026_12_02.jsonl"})
    writeFile(dir.path() + "/" + name, "");
  auto files = listDayFiles(dir.path());
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].day, "2026-11-30");
  EXPECT_EQ((*files)[1].day, "2026-12-01");
  EXPECT_EQ((*files)[2].day, "2026-12-03");
  EXPECT_EQ((*files)[2].path, dir.dayFile("2026-12-03"));
}

TEST(DayFilesTest, AMissingDirectoryHasNoFiles) {
  auto files = listDayFiles("/tmp/ketenhub-audit-test-does-not-exist/x");
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

TEST(DayFilesTest, ReadTailFindsTheLastCompleteLine) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/f";

  writeFile(path, "");
  auto t = readTail(path);
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->last_line);
  EXPECT_EQ(t->complete_size, 0);
  EXPECT_EQ(t->file_size, 0);

  writeFile(path, "one\ntwo\n");
  t = readTail(path);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->last_line, "two");
  EXPECT_EQ(t->complete_size, 8);
  EXPECT_EQ(t->file_size, 8);

  writeFile(path, "only\n");
  t = readTail(path);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->last_line, "only");
  EXPECT_EQ(t->complete_size, 5);

  writeFile(path, "one\ntwo\ntor");  // torn
  t = readTail(path);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->last_line, "two");
  EXPECT_EQ(t->complete_size, 8);
  EXPECT_EQ(t->file_size, 11);

  writeFile(path, "torn only");
  t = readTail(path);
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->last_line);
  EXPECT_EQ(t->complete_size, 0);
  EXPECT_EQ(t->file_size, 9);

  EXPECT_FALSE(readTail(dir.path() + "/missing"));
}

}  // namespace
}  // namespace hub::audit
