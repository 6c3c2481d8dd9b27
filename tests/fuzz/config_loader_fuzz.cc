// Fuzz target: the YAML configuration loader, hub/config/loader.h loadConfig, with every channel's
// option schema (adapters/registry.h, as `config check` has it), on a configuration written to a
// private temporary directory from the input.
// Input: sections, each starting with a line "#==> NAME" (NAME: hub.yaml, or partners.yaml,
// required.yaml, wvggz.yaml, wzd.yaml, which go to routes/); the text up to the next such line is
// the file. Text before the first marker is hub.yaml. Files without a section do not exist; the
// repository's routes/wsdl/ is there (tests/fuzz/corpus/config_loader/demo.yaml loads).
// Checks beyond ASan/UBSan (and no exception escaping: yaml-cpp's must stay inside hub/config):
//  - loadConfig returns a configuration exactly when it reported no error;
//  - a loaded configuration has routes, and every delivery names a configured partner.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include "adapters/registry.h"
#include "hub/config/loader.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMarker = "#==> ";
const char* const kFiles[] = {"hub.yaml", "partners.yaml", "required.yaml", "wvggz.yaml",
                              "wzd.yaml"};

config::LoadOptions* options = nullptr;
fs::path* dir = nullptr;
std::map<std::string, std::string>* written = nullptr;  // what each file holds now (absent: none)

void removeDir() {
  std::error_code ec;
  if (dir) fs::remove_all(*dir, ec);
}

void setUp() {
  options = new config::LoadOptions();
  for (const auto& e : adapters::channelTable())
    if (e.schema.primary) options->known_adapters.push_back(e.schema.name);
  options->channels = adapters::channelSchemas();
  std::string tmpl = (fs::temp_directory_path() / "ketenhub-fuzz-config.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) fuzz::fail("mkdtemp", tmpl);
  dir = new fs::path(tmpl);
  fs::create_directories(*dir / "routes");
  // The partners' WSDL contracts (routes/wsdl/), which routes/partners.yaml refers to.
  fs::copy(fuzz::sourcePath("routes/wsdl"), *dir / "routes" / "wsdl", fs::copy_options::recursive);
  written = new std::map<std::string, std::string>();
  std::atexit(removeDir);
}

fs::path pathOf(const std::string& name) {
  return name == "hub.yaml" ? *dir / name : *dir / "routes" / name;
}

// Brings the directory to `files` (name -> text), touching only what changed.
void writeFiles(const std::map<std::string, std::string>& files) {
  for (const char* name : kFiles) {
    auto want = files.find(name);
    auto have = written->find(name);
    if (want == files.end()) {
      if (have != written->end()) {
        fs::remove(pathOf(name));
        written->erase(have);
      }
      continue;
    }
    if (have != written->end() && have->second == want->second) continue;
    std::ofstream(pathOf(name), std::ios::binary | std::ios::trunc) << want->second;
    (*written)[name] = want->second;
  }
}

std::map<std::string, std::string> sections(std::string_view in) {
  std::map<std::string, std::string> files;
  std::string current = "hub.yaml";
  bool any = false;
  std::string text;
  auto flush = [&] {
    if (any || !text.empty()) files[current] = text;
    text.clear();
  };
  size_t pos = 0;
  while (pos < in.size()) {
    size_t nl = in.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? in.size() : nl + 1;
    std::string_view line = in.substr(pos, end - pos);
    pos = end;
    if (fuzz::startsWith(line, kMarker)) {
      flush();
      std::string_view name = line.substr(kMarker.size());
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' '))
        name.remove_suffix(1);
      current = std::string(name);
      any = true;
      continue;
    }
    text += line;
  }
  flush();
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setUp();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  writeFiles(sections(std::string_view(reinterpret_cast<const char*>(data), size)));
  config::Diagnostics diag;
  auto cfg = config::loadConfig((*dir / "hub.yaml").string(), *options, diag);
  fuzz::check((cfg != nullptr) == diag.ok(), "a configuration is returned exactly without errors",
              diag.joined());
  if (!cfg) return 0;
  fuzz::check(!cfg->routes.empty(), "a loaded configuration has routes");
  for (const auto& route : cfg->routes)
    for (const auto& d : route.deliveries)
      fuzz::check(cfg->partners.count(d.partner) == 1, "a delivery names a configured partner",
                  d.partner);
  return 0;
}
