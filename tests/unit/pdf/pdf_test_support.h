#pragma once
// pdftotext (poppler-utils) as the judge of what a rendered PDF says; poppler-glib to count and
// measure its pages; synthetic PDFs (cairo) to enclose.
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib-object.h>
#include <poppler.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "hub/core/c_ptr.h"

namespace hub::pdf::testing {

// The text of a PDF (pdftotext; -layout, or -bbox for word positions in points), or "" when
// pdftotext fails three times (a run that exits non-zero, e.g. one the busy CI host could not
// start, is tried again: once, in CI, a letter's text came back empty).
inline std::string pdfText(const std::string& pdf, const char* mode = "") {
  char tmpl[] = "/tmp/ketenhub-pdf-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return "";
  ::close(fd);
  {
    std::ofstream out(tmpl, std::ios::binary);
    out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  const std::string cmd =
      std::string("pdftotext -enc UTF-8 ") + mode + " " + tmpl + " - 2>/dev/null";
  std::string text;
  for (int attempt = 0; attempt < 3; ++attempt) {
    text.clear();
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) continue;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    if (pclose(p) == 0) break;
  }
  std::remove(tmpl);
  return text;
}

struct Word {
  double x_min, y_min, x_max, y_max;
  std::string text;
};

// The words of the first page of a PDF with their boxes (points, from the top left).
inline std::vector<Word> firstPageWords(const std::string& pdf) {
  const std::string xml = pdfText(pdf, "-bbox -l 1");
  static const std::regex re(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
  std::vector<Word> words;
  for (std::sregex_iterator it(xml.begin(), xml.end(), re), end; it != end; ++it) {
    words.push_back({std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]),
                     std::stod((*it)[4]), (*it)[5]});
  }
  return words;
}

// The text of page `page` (1-based) only.
inline std::string pageText(const std::string& pdf, int page) {
  const std::string range = "-f " + std::to_string(page) + " -l " + std::to_string(page);
  return pdfText(pdf, range.c_str());
}

// A synthetic PDF (cairo): `pages` pages of width x height points, page i saying
// "<marker> pagina i".
inline std::string syntheticPdf(const std::string& marker, int pages = 1, double width = 595.28,
                                double height = 841.89) {
  std::string out;
  auto append = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  {
    CPtr<cairo_surface_t, cairo_surface_destroy> surface(
        cairo_pdf_surface_create_for_stream(append, &out, width, height));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2026-11-21T23:40:00Z");
    CPtr<cairo_t, cairo_destroy> cr(cairo_create(surface.get()));
    cairo_select_font_face(cr.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr.get(), 14);
    for (int i = 1; i <= pages; ++i) {
      cairo_move_to(cr.get(), 72, 100);
      cairo_show_text(cr.get(), (marker + " pagina " + std::to_string(i)).c_str());
      cairo_show_page(cr.get());
    }
    cr.reset();
    cairo_surface_finish(surface.get());
  }
  return out;
}

// Page count and page sizes (points) of a PDF, read by poppler; empty when it does not open.
struct PageSize {
  double width, height;
};
inline std::vector<PageSize> pageSizes(const std::string& pdf) {
  std::vector<PageSize> out;
  CPtr<GBytes, g_bytes_unref> bytes(g_bytes_new(pdf.data(), pdf.size()));
  CPtr<PopplerDocument, g_object_unref> doc(
      poppler_document_new_from_bytes(bytes.get(), nullptr, nullptr));
  if (!doc) return out;
  for (int i = 0; i < poppler_document_get_n_pages(doc.get()); ++i) {
    CPtr<PopplerPage, g_object_unref> page(poppler_document_get_page(doc.get(), i));
    PageSize size{0, 0};
    if (page) poppler_page_get_size(page.get(), &size.width, &size.height);
    out.push_back(size);
  }
  return out;
}

}  // namespace hub::pdf::testing
