#pragma once
// LetterModel: what a postal letter says, as plain values (no library headers). Built by the print
// channel from a letter stylesheet's output (adapters/print/letter_model_reader.h, vocabulary in
// docs/letters.md) and rendered to PDF by hub/pdf/pdf_renderer.h. All text is UTF-8, one line per
// string where the field says "line"; paragraphs and row values wrap. Enclosures are PDFs printed
// as they are, on pages of their own after the letter.
#include <string>
#include <vector>

namespace hub::pdf {

// A key-value row of a table, e.g. {"Zaaknummer", "CM-0344-2026-000123"}.
struct LetterRow {
  std::string label;
  std::string value;
};

// One block of a section, in document order: a paragraph or a table row.
struct LetterBlock {
  enum class Kind { kParagraph, kRow };
  Kind kind = Kind::kParagraph;
  std::string label;  // kRow only
  std::string text;   // paragraph text, or the row's value
};

struct LetterSection {
  std::string heading;
  std::vector<LetterBlock> blocks;
};

// A document that travels with the letter (the copy of the decision, the medical statement, ...):
// a PDF from the signed product, printed after the letter's own pages, each page at its own size.
struct LetterEnclosure {
  std::string kind;       // the product's soort: "besluit", "medische-verklaring", ...
  std::string title;      // how the letter names it: "kopie van het besluit"
  std::string file_name;  // the product's bestandsnaam (a plain file name)
  std::string sha256;     // lower-case hex SHA-256 of bytes, as the signed product states it
  std::string bytes;      // the PDF
};

struct LetterModel {
  std::vector<std::string> sender_lines;     // letterhead, top right
  std::string return_address;                // one small line above the recipient, in the window
  std::vector<std::string> recipient_lines;  // 2..6 lines, inside the envelope window
  std::string place_date;                    // "Utrecht, 22 november 2026"
  std::string title;                         // the subject of the letter
  std::vector<LetterRow> references;         // Zaaknummer, Kenmerk, Product
  std::vector<LetterSection> sections;
  std::vector<std::string> closing;         // closing paragraphs (greeting, signature lines)
  std::vector<LetterEnclosure> enclosures;  // in the order they are printed after the letter

  // PDF document metadata (not printed). create_date: ISO 8601 "2026-11-22T07:15:00Z"; when empty,
  // cairo writes the current time and the output is not reproducible.
  std::string create_date;
  std::string document_title;  // PDF Title; no personal data
};

}  // namespace hub::pdf
