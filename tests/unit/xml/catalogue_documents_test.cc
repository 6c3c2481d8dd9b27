// The documents of the catalogue (copy of the decision, medical statement, results of the
// exploratory investigation): they reach exactly the products the law sends them with, unchanged
// (the decoded content's SHA-256 is the one the event declared), and never the RvR or the PvP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "hub/xml/element_tree.h"
#include "tests/unit/xml/catalogue_support.h"

namespace hub::xml::catalogue {
namespace {

// Base64 (RFC 4648, padded) -> bytes; "" and ok=false when it is not base64. The hub's own decoder
// lives in hub_tls, which this test binary does not link: the test has its own, so it checks the
// products independently of the code under test.
std::string base64Decode(const std::string& text, bool& ok) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  ok = text.size() % 4 == 0;
  for (char c : text) {
    if (c == '=') {
      ++pad;
      continue;
    }
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos || pad > 0) ok = false;
    if (!ok) return {};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  ok = ok && pad <= 2;
  return ok ? out : std::string();
}

// SHA-256 (FIPS 180-4) as lowercase hex.
std::string sha256Hex(const std::string& data) {
  static constexpr std::array<uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  std::array<uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg = data;
  const uint64_t bit_len = static_cast<uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::array<uint32_t, 64> w{};
    for (size_t i = 0; i < 16; ++i) {
      for (size_t b = 0; b < 4; ++b) {
        w[i] = (w[i] << 8) | static_cast<unsigned char>(msg[chunk + 4 * i + b]);
      }
    }
    for (size_t i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::array<uint32_t, 8> v = h;
    for (size_t i = 0; i < 64; ++i) {
      const uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      const uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
      const uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      const uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      const uint32_t t2 = s0 + maj;
      for (size_t j = 7; j > 0; --j) v[j] = v[j - 1];
      v[4] += t1;
      v[0] = t1 + t2;
    }
    for (size_t j = 0; j < 8; ++j) h[j] += v[j];
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint32_t word : h) {
    for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(word >> shift) & 0xf]);
  }
  return out;
}

TEST(CatalogueTestSupport, Sha256AndBase64) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(std::string(1000, 'a')).substr(0, 16), "41edece42d63e8d9");
  bool ok = false;
  EXPECT_EQ(base64Decode("JVBERi0=", ok), "%PDF-");
  EXPECT_TRUE(ok);
  EXPECT_EQ(base64Decode("JVBERi0", ok), "");
  EXPECT_FALSE(ok);
  EXPECT_EQ(base64Decode("JV!ERi0=", ok), "");
  EXPECT_FALSE(ok);
}

// The documenten/document of a product (the root's documenten child), each as its leaves.
std::vector<DocumentFields> productDocuments(const std::string& text, bool& has_documenten) {
  std::vector<DocumentFields> out;
  has_documenten = false;
  auto doc = Document::parseUntrusted(text);
  EXPECT_TRUE(doc.has_value());
  if (!doc) return out;
  auto tree = elementTree(*doc);
  EXPECT_TRUE(tree.has_value());
  if (!tree) return out;
  for (const Element& child : tree->children) {
    if (child.name != "documenten") continue;
    has_documenten = true;
    for (const Element& d : child.children) {
      EXPECT_EQ(d.name, "document");
      DocumentFields f;
      for (const Element& leaf : d.children) f[leaf.name] = leaf.text;
      out.push_back(f);
    }
  }
  return out;
}

// The documents (copy of the decision, medical statement, results of the exploratory
// investigation) go only to the products the law sends them with, of the kinds the row names, each
// exactly as the event had it: its content decodes to a PDF whose SHA-256 is the declared one. The
// RvR and the PvP never get one, even when the event carries every kind.
class ProductDocumentsTest : public ::testing::TestWithParam<Row> {};

TEST_P(ProductDocumentsTest, CarriesOnlyTheDocumentsTheLawSendsUnchanged) {
  const Row& row = GetParam();
  const EventCase& e = eventCase(row.event_type);
  const std::vector<std::string> kinds = split(row.documents, ' ');
  auto wanted = [&](const DocumentFields& d) {
    return d.count("soort") == 1 &&
           std::find(kinds.begin(), kinds.end(), d.at("soort")) != kinds.end();
  };
  const json::value example = edited(row.event_type, {});
  const std::vector<DocumentFields> in_example = eventDocuments(example);
  std::vector<DocumentFields> expected;
  for (const DocumentFields& d : in_example) {
    if (wanted(d)) expected.push_back(d);
  }
  EXPECT_EQ(expected.size(), kinds.size()) << "the example event carries one document per kind";

  // Variants: the example; without optional fields (no documents at all); with one more document
  // of every kind the product must not carry (copies of the first, content and digest kept).
  using Variant = std::tuple<std::string, json::value, std::vector<DocumentFields>>;
  std::vector<Variant> variants = {{"example", example, expected},
                                   {"without optional fields", edited(e.type, {}, e.minimal), {}}};
  if (!in_example.empty()) {
    json::value more = example;
    json::array& docs = more.as_object()["documenten"].as_array();
    for (const std::string kind : {"besluit", "medische-verklaring", "onderzoeksresultaten"}) {
      if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) continue;
      json::value copy = docs.front();
      copy.as_object()["soort"] = kind;
      copy.as_object()["bestandsnaam"] = "extra-" + kind + ".pdf";
      docs.push_back(copy);
    }
    variants.emplace_back("with documents of other kinds", more, expected);
  }
  for (const auto& [name, event, want] : variants) {
    SCOPED_TRACE(name);
    const std::string text = productText(row, event);
    ASSERT_FALSE(text.empty());
    bool has_documenten = false;
    const std::vector<DocumentFields> got = productDocuments(text, has_documenten);
    EXPECT_EQ(has_documenten, !want.empty());
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      SCOPED_TRACE("document " + std::to_string(i));
      for (const char* field : {"soort", "bestandsnaam", "mimeType", "sha256", "inhoud"}) {
        ASSERT_EQ(got[i].count(field), 1u) << field;
        EXPECT_EQ(got[i].at(field), want[i].at(field)) << field;
      }
      EXPECT_EQ(got[i].size(), 5u) << "a document has these five leaves only";
      bool ok = false;
      const std::string bytes = base64Decode(got[i].at("inhoud"), ok);
      ASSERT_TRUE(ok) << "inhoud is not base64";
      EXPECT_EQ(bytes.rfind("%PDF-", 0), 0u) << "not a PDF";
      EXPECT_EQ(sha256Hex(bytes), want[i].at("sha256")) << "the decoded content's SHA-256";
    }
    // Nothing of a document that is not sent leaks into the product.
    for (const DocumentFields& d : eventDocuments(event)) {
      if (wanted(d)) continue;
      EXPECT_EQ(text.find("extra-"), std::string::npos);
      if (kinds.empty()) {
        EXPECT_EQ(text.find(d.at("sha256")), std::string::npos) << "digest of " << d.at("soort");
        EXPECT_EQ(text.find(d.at("inhoud").substr(0, 64)), std::string::npos) << d.at("soort");
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, ProductDocumentsTest, ::testing::ValuesIn(catalogue()),
                         [](const auto& info) {
                           const Row& r = info.param;
                           return testName(r.partner + "_" + r.product + "_" + r.event_type);
                         });

}  // namespace
}  // namespace hub::xml::catalogue
