// The documents a signed product carries (documenten/document) enclosed in its letter: printed
// after the letter's pages, listed in the letter and in the manifest; one that cannot be printed
// fails prepare() with a reason naming it.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "adapters/print/manifest.h"
#include "adapters/print/print_channel.h"
#include "hub/tls/digest.h"
#include "tests/unit/pdf/pdf_test_support.h"
#include "tests/unit/print/print_test_support.h"

namespace hub::adapters::print {
namespace {

using namespace testing;  // NOLINT
using hub::pdf::testing::pageSizes;
using hub::pdf::testing::pageText;
using hub::pdf::testing::pdfText;
using hub::pdf::testing::syntheticPdf;

struct ProductDocument {
  std::string soort, bestandsnaam, sha256, bytes;
};

// The documenten/document of a golden product, in order (the golden XML has no prefixes).
std::vector<ProductDocument> documentsOf(const std::string& xml) {
  static const std::regex re(
      "<document>\\s*<soort>([^<]*)</soort>\\s*<bestandsnaam>([^<]*)</bestandsnaam>\\s*"
      "<mimeType>[^<]*</mimeType>\\s*<sha256>([^<]*)</sha256>\\s*<inhoud>([^<]*)</inhoud>");
  std::vector<ProductDocument> out;
  for (std::sregex_iterator it(xml.begin(), xml.end(), re), end; it != end; ++it) {
    out.push_back({(*it)[1], (*it)[2], (*it)[3], tls::base64Decode((*it)[4].str()).value()});
  }
  return out;
}

// The product with the index-th document's content replaced (and its sha256, unless kept).
std::string withDocument(std::string xml, int index, const std::string& bytes,
                         bool keep_sha = false) {
  size_t at = 0;
  for (int i = 0; i <= index; ++i) at = xml.find("<document>", at + 1);
  auto replace = [&](const std::string& tag, const std::string& value) {
    const size_t from = xml.find("<" + tag + ">", at) + tag.size() + 2;
    xml.replace(from, xml.find("</" + tag + ">", from) - from, value);
  };
  if (!keep_sha) replace("sha256", tls::hexEncode(tls::sha256(bytes)));
  replace("inhoud", base64(bytes));
  return xml;
}

// pdftotext output with every run of whitespace as one space.
std::string flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

std::string bare(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != ' ') out += c;
  return out;
}

std::string rc4(const std::string& key, const std::string& data) {
  unsigned char st[256];
  for (int i = 0; i < 256; ++i) st[i] = static_cast<unsigned char>(i);
  for (int i = 0, j = 0; i < 256; ++i) {
    j = (j + st[i] + static_cast<unsigned char>(key[i % key.size()])) & 0xff;
    std::swap(st[i], st[j]);
  }
  std::string out;
  for (size_t n = 0, i = 0, j = 0; n < data.size(); ++n) {
    i = (i + 1) & 0xff;
    j = (j + st[i]) & 0xff;
    std::swap(st[i], st[j]);
    out += static_cast<char>(data[n] ^ st[(st[i] + st[j]) & 0xff]);
  }
  return out;
}

// A PDF encrypted by the standard security handler (revision 2, RC4) with an empty user password,
// which every reader opens without asking, printing not permitted, and its /Encrypt key written
// with a #xx escape ("/Encr#79pt") so that no byte scan sees it.
std::string encryptedWithoutPassword() {
  static const unsigned char kPad[32] = {0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41,
                                         0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
                                         0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80,
                                         0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};
  const std::string pad(reinterpret_cast<const char*>(kPad), 32), owner(32, 'O'), id(16, 'I');
  const uint32_t permissions = static_cast<uint32_t>(-64);  // print, modify, copy, notes: no
  std::string seed = pad + owner;
  for (int i = 0; i < 4; ++i) seed += static_cast<char>((permissions >> (8 * i)) & 0xff);
  seed += id;
  unsigned char md5[16];
  EVP_Digest(seed.data(), seed.size(), md5, nullptr, EVP_md5(), nullptr);
  const std::string user = rc4(std::string(reinterpret_cast<char*>(md5), 5), pad);
  auto hex = [](const std::string& b) {
    return tls::hexEncode({reinterpret_cast<const uint8_t*>(b.data()), b.size()});
  };
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
      "<< /Filter /Standard /V 1 /R 2 /P -64 /O <" + hex(owner) + "> /U <" + hex(user) + "> >>"};
  std::string pdf = "%PDF-1.4\n", xref = "xref\n0 5\n0000000000 65535 f \n";
  for (size_t i = 0; i < objects.size(); ++i) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", pdf.size());
    xref += entry;
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t start = pdf.size();
  return pdf + xref + "trailer\n<< /Size 5 /Root 1 0 R /Encr#79pt 4 0 R /ID [<" + hex(id) + "> <" +
         hex(id) + ">] >>\nstartxref\n" + std::to_string(start) + "\n%%EOF\n";
}

class Enclosures : public ::testing::Test {
 protected:
  Result<WireMessage> prepare(const GoldenProduct& g, const std::string& xml) {
    auto ch =
        PrintChannel::create(spoolOptions(spool_.path()), partnerAddress(g.partner),
                             partnerConfig(g.partner), sourceDir() + "/mappings", {g.product});
    if (!ch) return unexpected(ch.error());
    return (*ch)->prepare(inputFor(g, xml, "d-enc", ""));
  }
  static GoldenProduct omCrisis() {
    for (const auto& g : goldenProducts())
      if (g.partner == "om" && g.product == "kennisgeving-crisismaatregel") return g;
    throw std::runtime_error("no golden om/kennisgeving-crisismaatregel");
  }
  TempDir spool_;
};

TEST_F(Enclosures, EveryGoldenLetterEnclosesItsProductsDocuments) {
  const std::map<std::string, std::string> titles = {
      {"besluit", "kopie van het besluit"},
      {"medische-verklaring", "medische verklaring"},
      {"onderzoeksresultaten", "resultaten van het verkennend onderzoek"}};
  int with_documents = 0;
  for (const auto& g : goldenProducts()) {
    SCOPED_TRACE(g.path);
    const std::string xml = readFile(g.path);
    const auto docs = documentsOf(xml);
    auto msg = prepare(g, xml);
    ASSERT_TRUE(msg) << msg.error().message;
    auto manifest = parseManifest(msg->parts.at(0).bytes);
    ASSERT_TRUE(manifest) << manifest.error().message;
    EXPECT_EQ(static_cast<size_t>(manifest->pages), pageSizes(msg->body).size());
    ASSERT_EQ(manifest->enclosures.size(), docs.size());
    const std::string text = flat(pdfText(msg->body));
    ASSERT_FALSE(text.empty()) << "pdftotext read no text from the letter";
    if (docs.empty()) {
      EXPECT_EQ(text.find("Bijlagen"), std::string::npos);
      continue;
    }
    ++with_documents;
    int enclosed_pages = 0;
    std::string listed = "Bijlagen: ";
    for (size_t i = 0; i < docs.size(); ++i) {
      const auto& e = manifest->enclosures[i];
      EXPECT_EQ(e.soort, docs[i].soort);
      EXPECT_EQ(e.bestandsnaam, docs[i].bestandsnaam);
      EXPECT_EQ(e.sha256, docs[i].sha256);
      EXPECT_EQ(static_cast<size_t>(e.pages), pageSizes(docs[i].bytes).size());
      enclosed_pages += e.pages;
      // The document's own text is in the letter's PDF, on the pages after the letter.
      // Compared without spaces: pdftotext's word breaks inside the enclosed pages depend on
      // the font metrics it finds on the host ("R esultaten" on some).
      const std::string first_line = bare(flat(pdfText(docs[i].bytes)).substr(0, 30));
      EXPECT_NE(bare(text).find(first_line), std::string::npos) << first_line;
      if (i > 0) listed += ", ";
      listed += titles.at(docs[i].soort) + " (" + docs[i].bestandsnaam + ")";
    }
    // Listed below the signature (pdftotext joins a file name wrapped at its hyphen: the model
    // has the exact line).
    auto ch =
        PrintChannel::create(spoolOptions(spool_.path()), partnerAddress(g.partner),
                             partnerConfig(g.partner), sourceDir() + "/mappings", {g.product});
    ASSERT_TRUE(ch);
    auto model = static_cast<PrintChannel&>(**ch).letterModel(inputFor(g, xml, "d-enc", ""));
    ASSERT_TRUE(model);
    EXPECT_EQ(model->closing.back(), listed);
    EXPECT_NE(text.find(listed.substr(0, listed.find('-'))), std::string::npos) << text;
    // The enclosures are the last pages: the letter's own text is not on them.
    const int letter_pages = manifest->pages - enclosed_pages;
    EXPECT_GE(letter_pages, 1);
    EXPECT_NE(pageText(msg->body, letter_pages).find("Pagina"), std::string::npos);
    EXPECT_EQ(pageText(msg->body, letter_pages + 1).find("Pagina"), std::string::npos);
  }
  EXPECT_EQ(with_documents, 5);  // OM x2, IGJ x2, CIZ; RvR and PvP letters enclose nothing
}

TEST_F(Enclosures, TwoSyntheticDocumentsAfterTheLetter) {
  const GoldenProduct g = omCrisis();
  std::string xml = withDocument(readFile(g.path), 0, syntheticPdf("MARKER-BESLUIT", 2));
  xml = withDocument(xml, 1, syntheticPdf("MARKER-VERKLARING", 1, 419.53, 595.28));
  auto msg = prepare(g, xml);
  ASSERT_TRUE(msg) << msg.error().message;
  auto manifest = parseManifest(msg->parts.at(0).bytes);
  ASSERT_TRUE(manifest);
  ASSERT_EQ(manifest->enclosures.size(), 2u);
  EXPECT_EQ(manifest->enclosures[0].pages, 2);
  EXPECT_EQ(manifest->enclosures[1].pages, 1);
  EXPECT_EQ(manifest->enclosures[0].bestandsnaam, "besluit-crisismaatregel.pdf");
  EXPECT_EQ(manifest->enclosures[1].soort, "medische-verklaring");
  const auto sizes = pageSizes(msg->body);
  ASSERT_EQ(static_cast<size_t>(manifest->pages), sizes.size());
  const int n = manifest->pages;
  ASSERT_GE(n, 4);
  EXPECT_NE(pageText(msg->body, n - 2).find("MARKER-BESLUIT pagina 1"), std::string::npos);
  EXPECT_NE(pageText(msg->body, n - 1).find("MARKER-BESLUIT pagina 2"), std::string::npos);
  EXPECT_NE(pageText(msg->body, n).find("MARKER-VERKLARING pagina 1"), std::string::npos);
  EXPECT_NEAR(sizes.back().width, 419.53, 0.5);  // A5 portrait, as the document has it
  // The manifest says what went out: the same bytes, the same file name.
  const std::string json = msg->parts[0].bytes;
  EXPECT_NE(
      json.find("\"enclosures\":[{\"soort\":\"besluit\",\"bestandsnaam\":"
                "\"besluit-crisismaatregel.pdf\",\"sha256\":\"" +
                tls::hexEncode(tls::sha256(syntheticPdf("MARKER-BESLUIT", 2))) + "\",\"pages\":2}"),
      std::string::npos)
      << json;
}

TEST_F(Enclosures, ABrokenDocumentFailsTheLetterNamingIt) {
  const GoldenProduct g = omCrisis();
  auto msg = prepare(g, withDocument(readFile(g.path), 1, "%PDF-1.7\nVERTROUWELIJK kapot\n"));
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error().message,
            "pdf: enclosure 2 (medische-verklaring, medische-verklaring.pdf) is damaged: poppler "
            "cannot read it");
  EXPECT_TRUE(std::filesystem::is_empty(spool_.path()));
}

TEST_F(Enclosures, ADocumentOtherThanTheSignedSha256IsRefused) {
  const GoldenProduct g = omCrisis();
  auto msg = prepare(g, withDocument(readFile(g.path), 0, syntheticPdf("ANDERS"), true));
  ASSERT_FALSE(msg);
  EXPECT_NE(msg.error().message.find("enclosure 1 (besluit, besluit-crisismaatregel.pdf) does "
                                     "not match the SHA-256 the signed product states"),
            std::string::npos)
      << msg.error().message;
}

TEST_F(Enclosures, AnEncryptedDocumentThatOpensWithoutAPasswordIsRefused) {
  const std::string encrypted = encryptedWithoutPassword();
  ASSERT_EQ(pageSizes(encrypted).size(), 1u);  // poppler opens it without a password
  const GoldenProduct g = omCrisis();
  auto msg = prepare(g, withDocument(readFile(g.path), 0, encrypted));
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error().message,
            "pdf: enclosure 1 (besluit, besluit-crisismaatregel.pdf) is encrypted");
}

}  // namespace
}  // namespace hub::adapters::print
