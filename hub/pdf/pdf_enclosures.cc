#include "hub/pdf/pdf_enclosures.h"

#include <cairo-pdf.h>
#include <glib-object.h>
#include <poppler.h>

#include <string>
#include <string_view>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"

namespace hub::pdf {
namespace {

using BytesPtr = CPtr<GBytes, g_bytes_unref>;
using DocumentPtr = CPtr<PopplerDocument, g_object_unref>;
using PagePtr = CPtr<PopplerPage, g_object_unref>;
using GErrorPtr = CPtr<GError, g_error_free>;

std::mutex& popplerMutex() {
  static std::mutex m;
  return m;
}

// "enclosure 2 (medische-verklaring, medische-verklaring.pdf)": which document, in the words of
// the product, without its content.
std::string nameOf(size_t index, const LetterEnclosure& e) {
  return "enclosure " + std::to_string(index + 1) + " (" + e.kind + ", " + e.file_name + ")";
}

Unexpected<Error> refuse(size_t index, const LetterEnclosure& e, const std::string& why) {
  return unexpected(errc::kInvalidInput, "pdf: " + nameOf(index, e) + " " + why);
}

// PDF white-space (NUL, HT, LF, FF, CR, SP) and delimiters: what may follow a complete name.
bool endsName(char c) {
  static constexpr std::string_view kEnds("\0\t\n\f\r ()<>[]{}/%", 16);
  return kEnds.find(c) != std::string_view::npos;
}

// A PDF is encrypted when its trailer (or cross-reference stream dictionary, never compressed)
// has an /Encrypt entry. poppler opens a document encrypted with an empty user password without
// a word, so the name is looked for in the bytes: a stray "/Encrypt" elsewhere (say, in an
// uncompressed content stream) refuses a document that could have been printed, never the other
// way round. open() also refuses a document that restricts any permission.
bool hasEncryptEntry(std::string_view pdf) {
  constexpr std::string_view kName = "/Encrypt";
  for (size_t at = pdf.find(kName); at != std::string_view::npos; at = pdf.find(kName, at + 1)) {
    const size_t next = at + kName.size();
    if (next >= pdf.size() || endsName(pdf[next])) return true;
  }
  return false;
}

}  // namespace

struct Enclosures::Doc {
  BytesPtr bytes;  // the document refers to these bytes
  DocumentPtr document;
  std::vector<PagePtr> pages;
};

Enclosures::Enclosures() = default;
Enclosures::Enclosures(Enclosures&&) noexcept = default;
Enclosures& Enclosures::operator=(Enclosures&&) noexcept = default;
Enclosures::~Enclosures() = default;

Result<Enclosures> Enclosures::open(const std::vector<LetterEnclosure>& list,
                                    const EnclosureLimits& limits) {
  Enclosures out;
  if (list.empty()) return out;
  if (list.size() > limits.max_documents) {
    return unexpected(errc::kInvalidInput,
                      "pdf: a letter encloses at most " + std::to_string(limits.max_documents) +
                          " documents, this one " + std::to_string(list.size()));
  }
  size_t bytes = 0;
  for (const auto& e : list) bytes += e.bytes.size();
  if (bytes > limits.max_bytes) {
    return unexpected(errc::kInvalidInput, "pdf: the enclosures hold " + std::to_string(bytes) +
                                               " bytes, more than " +
                                               std::to_string(limits.max_bytes));
  }
  out.lock_ = std::unique_lock<std::mutex>(popplerMutex());
  int total_pages = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const LetterEnclosure& e = list[i];
    if (e.bytes.rfind("%PDF-", 0) != 0) return refuse(i, e, "is not a PDF");
    if (hasEncryptEntry(e.bytes)) return refuse(i, e, "is encrypted");
    Doc doc;
    // The bytes stay in the model until the letter is rendered: no copy.
    doc.bytes.reset(g_bytes_new_static(e.bytes.data(), e.bytes.size()));
    GError* raw_error = nullptr;
    doc.document.reset(poppler_document_new_from_bytes(doc.bytes.get(), nullptr, &raw_error));
    GErrorPtr error(raw_error);
    if (!doc.document) {
      const bool encrypted =
          error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED;
      return refuse(i, e, encrypted ? "is encrypted" : "is damaged: poppler cannot read it");
    }
    // An unencrypted document permits everything: a restriction means an /Encrypt entry the
    // byte scan missed (a name can be written with #xx escapes).
    if (poppler_document_get_permissions(doc.document.get()) != POPPLER_PERMISSIONS_FULL)
      return refuse(i, e, "is encrypted");
    const int n = poppler_document_get_n_pages(doc.document.get());
    if (n < 1) return refuse(i, e, "has no pages");
    total_pages += n;
    if (total_pages > limits.max_pages) {
      return refuse(
          i, e,
          "brings the enclosures to more than " + std::to_string(limits.max_pages) + " pages");
    }
    for (int p = 0; p < n; ++p) {
      PagePtr page(poppler_document_get_page(doc.document.get(), p));
      if (!page) return refuse(i, e, "has an unreadable page " + std::to_string(p + 1));
      double w = 0, h = 0;
      poppler_page_get_size(page.get(), &w, &h);
      if (!(w >= 1 && h >= 1 && w <= limits.max_side_pt && h <= limits.max_side_pt)) {
        return refuse(i, e, "has a page of unusable size (page " + std::to_string(p + 1) + ")");
      }
      doc.pages.push_back(std::move(page));
    }
    out.docs_.push_back(std::move(doc));
  }
  return out;
}

std::vector<int> Enclosures::pages() const {
  std::vector<int> out;
  for (const auto& d : docs_) out.push_back(static_cast<int>(d.pages.size()));
  return out;
}

Result<void> Enclosures::render(cairo_surface_t* surface, cairo_t* cr) const {
  for (const auto& d : docs_) {
    for (const auto& page : d.pages) {
      double w = 0, h = 0;
      poppler_page_get_size(page.get(), &w, &h);
      // Before anything is drawn on the new page: the page takes the enclosure page's size.
      cairo_pdf_surface_set_size(surface, w, h);
      cairo_save(cr);
      poppler_page_render_for_printing(page.get(), cr);
      cairo_restore(cr);
      cairo_show_page(cr);
      if (auto st = cairo_status(cr); st != CAIRO_STATUS_SUCCESS) {
        return unexpected(errc::kIo, std::string("pdf: enclosure: ") + cairo_status_to_string(st));
      }
    }
  }
  return {};
}

}  // namespace hub::pdf
