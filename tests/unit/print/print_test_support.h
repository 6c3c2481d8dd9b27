#pragma once
// Shared by the print channel tests: the golden signed products, a temporary spool directory,
// and a channel configured like the demo (synthetic addresses only).
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/print/print_options.h"
#include "hub/config/config.h"
#include "hub/pipeline/channel.h"

namespace hub::adapters::print::testing {

inline std::string sourceDir() {
  const char* env = std::getenv("KETENHUB_SOURCE_DIR");
  return env ? env : KETENHUB_SOURCE_DIR;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// tests/golden/<event type>/<partner>/<product>.xml
struct GoldenProduct {
  std::string event_type, partner, product, path;
};

inline std::vector<GoldenProduct> goldenProducts() {
  namespace fs = std::filesystem;
  std::vector<GoldenProduct> out;
  for (const auto& ev : fs::directory_iterator(sourceDir() + "/tests/golden")) {
    if (!ev.is_directory()) continue;
    for (const auto& partner : fs::directory_iterator(ev.path())) {
      if (!partner.is_directory()) continue;
      for (const auto& f : fs::directory_iterator(partner.path())) {
        if (f.path().extension() != ".xml") continue;
        out.push_back({ev.path().filename().string(), partner.path().filename().string(),
                       f.path().stem().string(), f.path().string()});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ketenhub-print-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
};

// Standard base64 (RFC 4648) on one line.
inline std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

inline PrintHubOptions spoolOptions(const std::string& dir) {
  PrintHubOptions o;
  o.spool_dir = dir;
  o.return_address = "Retouradres: Postbus 1234, 3500 AA Utrecht";
  o.sender = {"Ketenhub verplichte ggz regio Utrecht", "Postbus 1234", "3500 AA Utrecht"};
  o.place = "Utrecht";
  return o;
}

inline PrintPartnerOptions partnerAddress(const std::string& code) {
  PrintPartnerOptions o;
  o.address = {"Testpartner " + code, "t.a.v. afdeling Coördinatie",
               "Postbus 9" + code.substr(0, 1), "3500 ZZ Utrecht"};
  return o;
}

inline PartnerConfig partnerConfig(const std::string& code) {
  PartnerConfig p;
  p.code = code;
  p.name = "Testpartner " + code;
  return p;
}

// 2026-11-22T07:15:00Z
inline constexpr int64_t kNowMs = 1795331700000;

inline ChannelInput inputFor(const GoldenProduct& g, const std::string& signed_xml,
                             const std::string& delivery_id, const std::string& zaaknummer) {
  ChannelInput in;
  in.delivery_id = delivery_id;
  in.message_id = "golden:" + g.event_type;
  in.case_id = zaaknummer;
  in.event_type = g.event_type;
  in.partner = g.partner;
  in.product = g.product;
  in.signed_product = signed_xml;
  in.now_ms = kNowMs;
  return in;
}

}  // namespace hub::adapters::print::testing
