// The print channel's letter renderer is a module (libketenhub-pdf.so) loaded on first use, found
// next to the running binary. (This test binary links cairo and poppler itself, to make and read
// PDFs; tests/integration/test_fallback_print.sh checks that the hub maps none of them before its
// first letter.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "hub/pdf_loader/pdf_loader.h"

namespace hub::pdf_loader {
namespace {

std::string selfDir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

std::string maps() {
  std::ifstream in("/proc/self/maps");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RendererModule, IsLookedForNextToTheBinaryThenInTheInstalledLibDirectory) {
  const auto c = moduleCandidates();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], selfDir() + "/libketenhub-pdf.so");
  EXPECT_EQ(c[1], selfDir() + "/../lib/ketenhub/libketenhub-pdf.so");
  auto found = locateModule();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, c[0]);
}

TEST(RendererModule, RendersALetterThroughTheModule) {
  pdf::LetterModel m;
  m.recipient_lines = {"Openbaar Ministerie", "Postbus 1", "1000 AA Amsterdam"};
  m.title = "Kennisgeving";
  m.create_date = "2026-11-22T07:15:00Z";
  auto pdf = pdf_loader::renderLetterPdf(m);
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->bytes.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf->pages, 1);
  EXPECT_TRUE(moduleLoaded());
  EXPECT_NE(maps().find("/libketenhub-pdf.so"), std::string::npos);
  auto again = loadModule();
  EXPECT_TRUE(again);
}

}  // namespace
}  // namespace hub::pdf_loader
