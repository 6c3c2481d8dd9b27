// docs/configuration.md is the configuration reference: every key the loader reads from hub.yaml,
// routes/partners.yaml, routes/required.yaml and the route files must be documented there, and
// every key documented there must still be read. The keys read are taken from the loader itself
// (Diagnostics::declare), loading every configuration in the repository: the demo's, the installed
// template and each config-error fixture (between them every optional section appears).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "adapters/registry.h"
#include "hub/config/loader.h"

namespace fs = std::filesystem;

namespace {

// "<file as shown>: <pattern>" -> "<file kind>: <pattern>" with the kinds the reference uses.
std::string normalised(const std::string& declared) {
  const size_t sep = declared.find(": ");
  const std::string file = fs::path(declared.substr(0, sep)).filename().string();
  const std::string pattern = declared.substr(sep + 2);
  std::string kind = "hub.yaml";
  if (file == "partners.yaml" || file == "required.yaml") {
    kind = file;
  } else if (declared.substr(0, sep).find("routes") != std::string::npos) {
    kind = "routes/*.yaml";
  }
  return kind + ": " + pattern;
}

std::set<std::string> keysRead() {
  std::vector<fs::path> configs = {fs::path(KETENHUB_SOURCE_DIR) / "deploy/local/hub.yaml",
                                   fs::path(KETENHUB_SOURCE_DIR) / "deploy/systemd/hub.yaml"};
  for (const auto& dir :
       fs::directory_iterator(fs::path(KETENHUB_SOURCE_DIR) / "tests" / "config_errors"))
    if (fs::exists(dir.path() / "hub.yaml")) configs.push_back(dir.path() / "hub.yaml");
  hub::config::LoadOptions opts;
  opts.known_adapters = {"rest-xml", "digikoppeling-wus"};
  opts.channels = hub::adapters::channelSchemas();
  std::set<std::string> keys;
  for (const auto& c : configs) {
    hub::config::Diagnostics diag;
    (void)hub::config::loadConfig(c.string(), opts, diag);
    for (const auto& d : diag.declared()) keys.insert(normalised(d));
  }
  return keys;
}

// The reference's rows: "| `key` | ..." under a "## <file kind>" heading.
std::set<std::string> keysDocumented() {
  std::ifstream in(fs::path(KETENHUB_SOURCE_DIR) / "docs" / "configuration.md");
  std::set<std::string> keys;
  std::string line, kind;
  const std::regex heading("^## `([^`]+)`");
  const std::regex row("^\\| `([^`]+)` \\|");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, heading)) kind = m[1];
    if (!kind.empty() && std::regex_search(line, m, row)) keys.insert(kind + ": " + m[1].str());
  }
  return keys;
}

TEST(ConfigurationReference, DocumentsEveryKeyTheLoaderReads) {
  const std::set<std::string> read = keysRead();
  const std::set<std::string> documented = keysDocumented();
  ASSERT_GT(read.size(), 50u);
  std::ostringstream missing, stale;
  for (const auto& k : read)
    if (!documented.count(k)) missing << "\n  " << k;
  for (const auto& k : documented)
    if (!read.count(k)) stale << "\n  " << k;
  EXPECT_TRUE(missing.str().empty()) << "read but not in docs/configuration.md:" << missing.str();
  EXPECT_TRUE(stale.str().empty()) << "in docs/configuration.md but never read:" << stale.str();
}

}  // namespace
