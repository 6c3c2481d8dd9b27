#include "adapters/print/spool_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/print/print_test_support.h"

namespace hub::adapters::print {
namespace {

namespace fs = std::filesystem;
using testing::readFile;
using testing::TempDir;

void touch(const std::string& path, const std::string& text = "partial") {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A consumer's view: complete letters are the names with a .json manifest.
std::vector<std::string> completeLetters(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& n : names(dir))
    if (n.size() > 5 && n.substr(n.size() - 5) == ".json") out.push_back(n);
  return out;
}

TEST(SpoolWriter, WritesPdfThenManifestWithMode0600) {
  TempDir dir;
  SpoolWriter w(dir.path());
  ASSERT_TRUE(w.check());
  EXPECT_FALSE(w.complete("om-1"));
  auto r = w.write("om-1", "%PDF-1.5 ...", "{\"pages\":1}\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, SpoolWriter::Written::kNew);
  EXPECT_TRUE(w.complete("om-1"));
  EXPECT_EQ(names(dir.path()), (std::vector<std::string>{"om-1.json", "om-1.pdf"}));
  EXPECT_EQ(readFile(dir.path() + "/om-1.pdf"), "%PDF-1.5 ...");
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/om-1.pdf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SpoolWriter, WritingTwiceIsIdempotent) {
  TempDir dir;
  SpoolWriter w(dir.path());
  ASSERT_TRUE(w.write("om-2", "first", "m1"));
  auto again = w.write("om-2", "second", "m2");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, SpoolWriter::Written::kAlreadyComplete);
  EXPECT_EQ(readFile(dir.path() + "/om-2.pdf"), "first");
  EXPECT_EQ(readFile(dir.path() + "/om-2.json"), "m1");
}

TEST(SpoolWriter, APdfWithoutManifestIsReplaced) {
  TempDir dir;
  touch(dir.path() + "/om-3.pdf", "torn");  // a crash between the two renames
  SpoolWriter w(dir.path());
  EXPECT_FALSE(w.complete("om-3"));
  auto r = w.write("om-3", "whole", "m");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, SpoolWriter::Written::kNew);
  EXPECT_EQ(readFile(dir.path() + "/om-3.pdf"), "whole");
}

TEST(SpoolWriter, StaleTemporaryFilesAreCleanedAndNeverSeenAsLetters) {
  TempDir dir;
  // Left by a crashed process (another pid), and one of a write in flight in this process.
  touch(dir.path() + "/.tmp-999999999-0-om-4.pdf.part");
  touch(dir.path() + "/.tmp-999999999-1-om-4.json.part", "{\"partial\":");
  const std::string own = ".tmp-" + std::to_string(::getpid()) + "-77-om-5.pdf.part";
  touch(dir.path() + "/" + own);
  SpoolWriter w(dir.path());
  EXPECT_FALSE(w.complete("om-4"));
  EXPECT_TRUE(completeLetters(dir.path()).empty());
  auto cleaned = w.cleanStale();
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_EQ(*cleaned, 2);
  EXPECT_EQ(names(dir.path()), (std::vector<std::string>{own}));
  ASSERT_TRUE(w.write("om-4", "pdf", "manifest"));
  EXPECT_EQ(completeLetters(dir.path()), (std::vector<std::string>{"om-4.json"}));
}

TEST(SpoolWriter, ATemporaryFileOfAnotherLiveProcessIsLeftAlone) {
  // `config check` builds the channel while the hub writes letters: it must not remove them.
  TempDir dir;
  const std::string live = ".tmp-" + std::to_string(::getppid()) + "-3-om-6.pdf.part";
  touch(dir.path() + "/" + live);
  SpoolWriter w(dir.path());
  auto cleaned = w.cleanStale();
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_EQ(*cleaned, 0);
  EXPECT_EQ(names(dir.path()), (std::vector<std::string>{live}));
}

TEST(SpoolWriter, NoTemporaryFileSurvivesAWrite) {
  TempDir dir;
  SpoolWriter w(dir.path());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(w.write("igj-" + std::to_string(i), "p", "m"));
  for (const auto& n : names(dir.path())) EXPECT_NE(n[0], '.') << n;
  EXPECT_EQ(completeLetters(dir.path()).size(), 20u);
}

TEST(SpoolWriter, RefusesUnsafeNames) {
  TempDir dir;
  SpoolWriter w(dir.path());
  for (const char* bad : {"", ".hidden", "../escape", "a/b", "a b", "naïef"}) {
    auto r = w.write(bad, "p", "m");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_input");
  }
  EXPECT_TRUE(names(dir.path()).empty());
}

TEST(SpoolWriter, IoErrorsNameTheFileOnly) {
  TempDir dir;
  SpoolWriter w(dir.path() + "/gone");
  EXPECT_FALSE(w.check());
  auto r = w.write("om-6", "p", "m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "io");
  EXPECT_EQ(r.error().message.find(dir.path()), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace hub::adapters::print
