// person_key: created once, whole and private; many processes starting at once share one key.
#include "hub/audit/person_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit_test_support.h"

namespace hub::audit {
namespace {
using namespace test_support;

TEST(PersonKeyTest, CreatesAPrivateRandomKeyOnce) {
  TempDir dir;
  const std::string path = dir.path() + "/keys/person.key";
  auto a = loadPersonKey(path, true);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = loadPersonKey(path, true);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*a, *b);
  // Nothing but the key is left in the directory (no temporary files).
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/keys")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(PersonKeyTest, MissingWithoutCreateIsAnError) {
  TempDir dir;
  auto k = loadPersonKey(dir.path() + "/absent.key", false);
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("absent.key"), std::string::npos);
}

TEST(PersonKeyTest, ShortOrWorldReadableKeysAreRefused) {
  TempDir dir;
  const std::string shortk = dir.path() + "/short.key";
  writeFile(shortk, "too short\n");
  ::chmod(shortk.c_str(), 0600);
  EXPECT_FALSE(loadPersonKey(shortk, true));
  const std::string open = dir.path() + "/open.key";
  writeFile(open, std::string(40, 'k'));
  ::chmod(open.c_str(), 0644);
  EXPECT_FALSE(loadPersonKey(open, true));
}

// Several instances starting at the same moment: each one gets the same, complete key (a reader
// never sees a file that is still being written).
TEST(PersonKeyTest, ConcurrentCreatorsAgreeOnOneKey) {
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    const std::string path = dir.path() + "/person.key";
    std::vector<std::string> keys(8);
    std::vector<std::string> errors(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < keys.size(); ++i)
      threads.emplace_back([&, i] {
        auto k = loadPersonKey(path, true);
        if (k)
          keys[i] = *k;
        else
          errors[i] = k.error().message;
      });
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < keys.size(); ++i) {
      ASSERT_EQ(errors[i], "") << "round " << round;
      ASSERT_EQ(keys[i], keys[0]) << "round " << round;
    }
    EXPECT_EQ(keys[0].size(), 64u);
  }
}

}  // namespace
}  // namespace hub::audit
