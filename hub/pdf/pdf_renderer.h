#pragma once
// renderLetterPdf: a LetterModel as an A4 PDF letter (cairo + pango; the only code that includes
// them). Layout, in millimetres from the top-left corner of the page:
//
//   sender lines          x 120, y 15, 8.5 pt, up to 70 mm wide (letterhead)
//   envelope window       x 20..105, y 50..80 (left window envelope, NEN 1026 / EA5/6 venster
//                         links): the return address on one small line (7 pt, underlined) at the
//                         top, then the recipient lines (10 pt); every line is ellipsized so that
//                         nothing ever leaves the window
//   place and date        y 95, then the reference rows (Zaaknummer, Kenmerk, Product), the title
//   content               x 25..190, sections (bold heading, paragraphs, label/value rows), wrapped
//                         to the column width; page breaks keep a heading with its first block and
//                         split long paragraphs between lines
//   footer                "Pagina N van M" on every page, y 284
//   continuation pages    a small header (title) at the top, content from y 25
//
//   enclosures            after the letter's last page, every page of every enclosed PDF
//                         (LetterModel::enclosures, in order) as it is, at its own page size,
//                         drawn by poppler; "Pagina N van M" counts the letter's own pages only
//
// The document is laid out twice: a measuring pass counts the pages, the drawing pass knows M.
// Text is set with pango_layout_set_text (never markup): no text in a model is interpreted.
// Font: DejaVu Sans (fonts-dejavu-core), embedded as a subset by cairo. With model.create_date set
// the bytes are reproducible. Thread-safe: every call has its own surface and layouts; letters
// with enclosures are rendered one at a time (pdf_enclosures.h says why).
#include <cstddef>
#include <string>
#include <vector>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"

namespace hub::pdf {

struct RenderedPdf {
  std::string bytes;
  int pages = 0;                     // all pages: the letter's and the enclosures'
  int letter_pages = 0;              // the letter's own pages ("Pagina N van M")
  std::vector<int> enclosure_pages;  // per LetterModel::enclosures entry, in order
};

// The work one letter may ask for: enclosures come from outside (the municipality's PDFs).
struct EnclosureLimits {
  size_t max_documents = 10;     // as many as a product may carry (schemas/common/product.xsd)
  int max_pages = 200;           // all enclosures together
  size_t max_bytes = 32u << 20;  // all enclosures together
  double max_side_pt = 14400;    // a page side, in points (200 inch, the PDF limit)
};

inline constexpr double kA4WidthPt = 595.28;
inline constexpr double kA4HeightPt = 841.89;

// errc::kIo when cairo reports an error. errc::kInvalidInput when an enclosure cannot be printed:
// not a PDF, damaged, encrypted, without pages, a page of an unusable size, or over the limits;
// the message names the enclosure (position, kind and file name), never its content, e.g.
// "pdf: enclosure 2 (medische-verklaring, medische-verklaring.pdf) is encrypted". Nothing is
// rendered then.
Result<RenderedPdf> renderLetterPdf(const LetterModel& model, const EnclosureLimits& limits = {});

}  // namespace hub::pdf
