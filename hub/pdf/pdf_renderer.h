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
// The document is laid out twice: a measuring pass counts the pages, the drawing pass knows M.
// Text is set with pango_layout_set_text (never markup): no text in a model is interpreted.
// Font: DejaVu Sans (fonts-dejavu-core), embedded as a subset by cairo. With model.create_date set
// the bytes are reproducible. Thread-safe: every call has its own surface and layouts.
#include <string>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"

namespace hub::pdf {

struct RenderedPdf {
  std::string bytes;
  int pages = 0;
};

inline constexpr double kA4WidthPt = 595.28;
inline constexpr double kA4HeightPt = 841.89;

// errc::kIo when cairo reports an error.
Result<RenderedPdf> renderLetterPdf(const LetterModel& model);

}  // namespace hub::pdf
