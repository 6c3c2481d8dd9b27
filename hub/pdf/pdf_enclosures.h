#pragma once
// Enclosed PDFs (LetterModel::enclosures) appended to a letter's cairo PDF surface, one output page
// per enclosure page, at that page's own size, drawn by poppler-glib (poppler_page_render_for_
// printing: vector output, text stays text). Used by pdf_renderer.cc only; the only code that
// includes poppler.
//
// open() checks everything before a page is drawn: the limits (documents, pages, bytes), that each
// enclosure is a PDF (starts with %PDF-), is not encrypted, opens, has at least one page and
// pages of a usable size. Its errors name the enclosure: "enclosure 2 (medische-verklaring,
// medische-verklaring.pdf) is encrypted"; never a word of its content.
//
// One letter with enclosures at a time in the process: poppler's cairo backend shares one
// FreeType library between all its documents (FreeType needs face creation on a shared library
// serialised) and poppler-glib promises no thread safety across documents. An Enclosures object
// holds that lock from open() until it is destroyed.
#include <cairo.h>

#include <memory>
#include <mutex>
#include <vector>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"
#include "hub/pdf/pdf_renderer.h"

namespace hub::pdf {

class Enclosures {
 public:
  static Result<Enclosures> open(const std::vector<LetterEnclosure>& list,
                                 const EnclosureLimits& limits);

  Enclosures(Enclosures&&) noexcept;
  Enclosures& operator=(Enclosures&&) noexcept;
  ~Enclosures();

  // Pages per enclosure, in order.
  std::vector<int> pages() const;

  // Shows every page of every enclosure on the surface, after the pages already shown; cr draws
  // on surface. errc::kIo when cairo reports an error.
  Result<void> render(cairo_surface_t* surface, cairo_t* cr) const;

 private:
  struct Doc;
  Enclosures();

  std::unique_lock<std::mutex> lock_;  // declared first: released after the documents are freed
  std::vector<Doc> docs_;
};

}  // namespace hub::pdf
