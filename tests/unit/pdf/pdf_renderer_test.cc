#include "hub/pdf/pdf_renderer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/pdf/pdf_test_support.h"

namespace hub::pdf {
namespace {

using testing::pdfText;

LetterModel sampleModel(int rows) {
  LetterModel m;
  m.sender_lines = {"Ketenhub verplichte ggz regio Utrecht", "Postbus 1234", "3500 AA Utrecht",
                    "telefoon 030 000 0000"};
  m.return_address = "Retouradres: Postbus 1234, 3500 AA Utrecht";
  m.recipient_lines = {"Stichting Patiëntvertrouwenspersoon", "t.a.v. de coördinator",
                       "Postbus 9999", "3500 ZZ Utrecht"};
  m.place_date = "Utrecht, 22 november 2026";
  m.title = "Inbewaringstelling: Geneeskundige verklaring";
  m.references = {{"Zaaknummer", "IBS-0344-2026-000077"},
                  {"Kenmerk", "18926746-2935-5659-ab43-fb6eecc8a1b6"},
                  {"Product", "kennisgeving-ibs"}};
  LetterSection intro{"Inleiding", {}};
  intro.blocks.push_back({LetterBlock::Kind::kParagraph, "",
                          "Geachte heer, mevrouw, deze brief gaat over een "
                          "Inbewaringstelling. Een naïeve reünie, één geëmancipeerde ruïne."});
  m.sections.push_back(intro);
  LetterSection table{"Gegevens", {}};
  for (int i = 1; i <= rows; ++i) {
    table.blocks.push_back({LetterBlock::Kind::kRow, "Regel " + std::to_string(i),
                            "Waarde " + std::to_string(i) + " met ë, ï en ü"});
  }
  m.sections.push_back(table);
  m.closing = {"Met vriendelijke groet,", "Ketenhub"};
  m.create_date = "2026-11-22T07:15:00Z";
  m.document_title = "Kennisgeving inbewaringstelling";
  return m;
}

TEST(PdfRenderer, ThreePagesWithDiacriticsAndPageNumbers) {
  auto pdf = renderLetterPdf(sampleModel(110));
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->bytes.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf->pages, 3);
  const std::string text = pdfText(pdf->bytes);
  for (const char* s :
       {"Patiëntvertrouwenspersoon", "Inbewaringstelling", "Geneeskundige verklaring",
        "t.a.v. de coördinator", "naïeve reünie", "geëmancipeerde ruïne", "Pagina 1 van 3",
        "Pagina 2 van 3", "Pagina 3 van 3", "IBS-0344-2026-000077", "Regel 110",
        "Waarde 57 met ë, ï en ü", "Utrecht, 22 november 2026"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  }
  EXPECT_EQ(text.find("Pagina 4"), std::string::npos);
}

TEST(PdfRenderer, OnePageLetter) {
  auto pdf = renderLetterPdf(sampleModel(3));
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->pages, 1);
  EXPECT_NE(pdfText(pdf->bytes).find("Pagina 1 van 1"), std::string::npos);
}

TEST(PdfRenderer, ReproducibleWithACreateDate) {
  auto a = renderLetterPdf(sampleModel(40));
  auto b = renderLetterPdf(sampleModel(40));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes, b->bytes);
  // cairo 1.16 writes the date without the "D:" prefix.
  EXPECT_NE(a->bytes.find("/CreationDate (20261122071500Z)"), std::string::npos);
}

TEST(PdfRenderer, LongParagraphSplitsAcrossPages) {
  LetterModel m = sampleModel(0);
  std::string longText;
  for (int i = 0; i < 700; ++i) longText += "woord" + std::to_string(i) + " ";
  m.sections[0].blocks.push_back({LetterBlock::Kind::kParagraph, "", longText});
  auto pdf = renderLetterPdf(m);
  ASSERT_TRUE(pdf);
  EXPECT_GE(pdf->pages, 2);
  const std::string text = pdfText(pdf->bytes);
  EXPECT_NE(text.find("woord699"), std::string::npos);
  EXPECT_NE(text.find("Pagina 2 van " + std::to_string(pdf->pages)), std::string::npos);
}

TEST(PdfRenderer, AddressStaysInsideTheEnvelopeWindow) {
  LetterModel m = sampleModel(0);
  m.recipient_lines = {"Regel een",  "Regel twee", "Regel drie",
                       "Regel vier", "Regel vijf", "Laatste adresregel " + std::string(80, 'x')};
  auto pdf = renderLetterPdf(m);
  ASSERT_TRUE(pdf);
  // The window: 20..105 mm from the left, 50..80 mm from the top. An over-long line is
  // ellipsized (pdftotext still extracts the whole text: cairo keeps it as ActualText).
  constexpr double kMm = 72.0 / 25.4;
  int in_window = 0;
  for (const auto& w : testing::firstPageWords(pdf->bytes)) {
    if (w.y_min < 45 * kMm || w.y_min > 85 * kMm) continue;
    ++in_window;
    EXPECT_GE(w.x_min, 20 * kMm) << w.text;
    EXPECT_LE(w.x_max, 105 * kMm) << w.text;
    EXPECT_GE(w.y_min, 50 * kMm) << w.text;
    EXPECT_LE(w.y_max, 80 * kMm) << w.text;
  }
  // Return address (6 words) and the recipient (2 + 2 + 2 + 2 + 2 + 3 words).
  EXPECT_EQ(in_window, 19);
}

TEST(PdfRenderer, TextIsNeverMarkup) {
  LetterModel m = sampleModel(0);
  m.title = "<b>vet</b> & <i>schuin</i>";
  auto pdf = renderLetterPdf(m);
  ASSERT_TRUE(pdf);
  EXPECT_NE(pdfText(pdf->bytes).find("<b>vet</b> & <i>schuin</i>"), std::string::npos);
}

}  // namespace
}  // namespace hub::pdf
