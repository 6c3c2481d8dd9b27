// Enclosed PDFs printed after the letter (poppler-glib into the letter's cairo surface), judged by
// poppler itself (page count and sizes) and pdftotext (the enclosures' own text).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/pdf/pdf_renderer.h"
#include "tests/unit/pdf/pdf_test_support.h"

namespace hub::pdf {
namespace {

using testing::pageSizes;
using testing::pageText;
using testing::pdfText;
using testing::syntheticPdf;

constexpr double kA5Long = 595.28, kA5Short = 419.53;

LetterModel letter() {
  LetterModel m;
  m.sender_lines = {"Gemeente Voorbeeldstad", "Postbus 1234", "3500 AA Utrecht"};
  m.recipient_lines = {"Openbaar Ministerie", "Postbus 850", "3500 AW Utrecht"};
  m.place_date = "Utrecht, 22 november 2026";
  m.title = "Kennisgeving crisismaatregel (Wvggz)";
  m.sections.push_back({"", {{LetterBlock::Kind::kParagraph, "", "Geachte heer, mevrouw,"}}});
  m.closing = {"Met vriendelijke groet,", "Gemeente Voorbeeldstad",
               "Bijlagen: kopie van het besluit (besluit.pdf), medische verklaring (mv.pdf)"};
  m.create_date = "2026-11-22T07:15:00Z";
  return m;
}

LetterEnclosure enclosure(const std::string& kind, const std::string& file, std::string bytes) {
  return {kind, kind, file, "", std::move(bytes)};
}

LetterModel withTwoEnclosures() {
  LetterModel m = letter();
  m.enclosures.push_back(
      enclosure("besluit", "besluit.pdf", syntheticPdf("MARKER-BESLUIT", /*pages=*/2)));
  // Landscape A5: the output page takes the enclosure page's own size.
  m.enclosures.push_back(enclosure("medische-verklaring", "mv.pdf",
                                   syntheticPdf("MARKER-VERKLARING", 1, kA5Long, kA5Short)));
  return m;
}

TEST(PdfEnclosures, PrintedAfterTheLetterPageByPage) {
  auto pdf = renderLetterPdf(withTwoEnclosures());
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->letter_pages, 1);
  EXPECT_EQ(pdf->enclosure_pages, (std::vector<int>{2, 1}));
  EXPECT_EQ(pdf->pages, 4);
  const auto sizes = pageSizes(pdf->bytes);
  ASSERT_EQ(sizes.size(), 4u);
  EXPECT_NEAR(sizes[0].width, kA4WidthPt, 0.5);
  EXPECT_NEAR(sizes[1].height, kA4HeightPt, 0.5);
  EXPECT_NEAR(sizes[3].width, kA5Long, 0.5);
  EXPECT_NEAR(sizes[3].height, kA5Short, 0.5);
  // Every page in place: the letter, the decision's two pages, the medical statement.
  EXPECT_NE(pageText(pdf->bytes, 1).find("Kennisgeving crisismaatregel"), std::string::npos);
  EXPECT_NE(pageText(pdf->bytes, 1).find("Pagina 1 van 1"), std::string::npos);
  EXPECT_NE(pageText(pdf->bytes, 2).find("MARKER-BESLUIT pagina 1"), std::string::npos);
  EXPECT_NE(pageText(pdf->bytes, 3).find("MARKER-BESLUIT pagina 2"), std::string::npos);
  EXPECT_NE(pageText(pdf->bytes, 4).find("MARKER-VERKLARING pagina 1"), std::string::npos);
  // The letter's page numbering counts its own pages only; enclosures are printed as they are.
  EXPECT_EQ(pdfText(pdf->bytes).find("Pagina 2"), std::string::npos);
}

TEST(PdfEnclosures, ReproducibleBytes) {
  auto a = renderLetterPdf(withTwoEnclosures());
  auto b = renderLetterPdf(withTwoEnclosures());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes, b->bytes);
}

TEST(PdfEnclosures, ALetterWithoutEnclosuresIsUnchanged) {
  auto pdf = renderLetterPdf(letter());
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->pages, 1);
  EXPECT_EQ(pdf->letter_pages, 1);
  EXPECT_TRUE(pdf->enclosure_pages.empty());
}

void expectRefused(const LetterModel& m, const std::string& fragment,
                   const EnclosureLimits& limits = {}) {
  auto pdf = renderLetterPdf(m, limits);
  ASSERT_FALSE(pdf) << "expected an error with: " << fragment;
  EXPECT_EQ(pdf.error().code, errc::kInvalidInput);
  EXPECT_NE(pdf.error().message.find(fragment), std::string::npos) << pdf.error().message;
}

TEST(PdfEnclosures, ADamagedPdfIsRefusedNamingTheDocument) {
  LetterModel m = withTwoEnclosures();
  m.enclosures[1].bytes = "%PDF-1.4\nGEHEIME-INHOUD zonder objecten, zonder xref\n%%EOF\n";
  auto pdf = renderLetterPdf(m);
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().message,
            "pdf: enclosure 2 (medische-verklaring, mv.pdf) is damaged: poppler cannot read it");
  EXPECT_EQ(pdf.error().message.find("GEHEIME"), std::string::npos);
  // Truncated halfway: poppler rebuilds what it can or refuses; either way no half letter.
  m.enclosures[1].bytes = syntheticPdf("X").substr(0, 300);
  auto truncated = renderLetterPdf(m);
  if (!truncated) {
    EXPECT_NE(truncated.error().message.find("enclosure 2 (medische-verklaring, mv.pdf)"),
              std::string::npos);
  }
}

TEST(PdfEnclosures, NotAPdfIsRefused) {
  LetterModel m = withTwoEnclosures();
  m.enclosures[0].bytes = "Dit is geen PDF";
  expectRefused(m, "enclosure 1 (besluit, besluit.pdf) is not a PDF");
  m.enclosures[0].bytes.clear();
  expectRefused(m, "enclosure 1 (besluit, besluit.pdf) is not a PDF");
}

TEST(PdfEnclosures, AnEncryptedPdfIsRefused) {
  // The standard security handler with a user password nobody knows (RC4, revision 2).
  const std::string encrypted =
      "%PDF-1.4\n"
      "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
      "4 0 obj << /Filter /Standard /V 1 /R 2 /P -4\n"
      " /O <" +
      std::string(64, 'a') + ">\n /U <" + std::string(64, 'b') +
      "> >> endobj\n"
      "trailer << /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef>"
      " <0123456789abcdef0123456789abcdef>] >>\n%%EOF\n";
  LetterModel m = withTwoEnclosures();
  m.enclosures[1].bytes = encrypted;
  expectRefused(m, "enclosure 2 (medische-verklaring, mv.pdf) is encrypted");
}

TEST(PdfEnclosures, TheWorkIsBounded) {
  LetterModel m = withTwoEnclosures();
  EnclosureLimits limits;
  limits.max_documents = 1;
  expectRefused(m, "at most 1 documents, this one 2", limits);
  limits = {};
  limits.max_pages = 2;  // the decision has 2, the statement brings it to 3
  expectRefused(m, "enclosure 2 (medische-verklaring, mv.pdf) brings the enclosures to more than 2",
                limits);
  limits = {};
  limits.max_bytes = m.enclosures[0].bytes.size();
  expectRefused(m, "more than " + std::to_string(limits.max_bytes), limits);
  limits = {};
  limits.max_side_pt = 500;  // A5 landscape is 595 wide
  limits.max_pages = 200;
  LetterModel a5 = letter();
  a5.enclosures.push_back(m.enclosures[1]);
  expectRefused(a5, "has a page of unusable size (page 1)", limits);
}

TEST(PdfEnclosures, SeveralLettersAtOnce) {
  auto reference = renderLetterPdf(withTwoEnclosures());
  ASSERT_TRUE(reference);
  const LetterModel model = withTwoEnclosures();
  std::atomic<int> same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto pdf = renderLetterPdf(model);
        if (pdf && pdf->bytes == reference->bytes) ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 12);
}

}  // namespace
}  // namespace hub::pdf
