#include "hub/pdf/pdf_renderer.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib-object.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <string_view>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/pdf/pdf_enclosures.h"

namespace hub::pdf {
namespace {

using SurfacePtr = CPtr<cairo_surface_t, cairo_surface_destroy>;
using CairoPtr = CPtr<cairo_t, cairo_destroy>;
using FontOptionsPtr = CPtr<cairo_font_options_t, cairo_font_options_destroy>;
using ContextPtr = CPtr<PangoContext, g_object_unref>;
using LayoutPtr = CPtr<PangoLayout, g_object_unref>;
using FontPtr = CPtr<PangoFontDescription, pango_font_description_free>;
using IterPtr = CPtr<PangoLayoutIter, pango_layout_iter_free>;

constexpr double kMm = 72.0 / 25.4;
constexpr double kLeft = 25 * kMm;            // content column
constexpr double kWidth = 165 * kMm;          // content column width (to x 190 mm)
constexpr double kTopNext = 25 * kMm;         // content top on continuation pages
constexpr double kBottom = 275 * kMm;         // content bottom
constexpr double kWindowX = 22 * kMm;         // text inset of the envelope window (20 mm + 2)
constexpr double kWindowTextW = 81 * kMm;     // window 85 mm wide, 2 mm inset both sides
constexpr double kWindowTop = 51 * kMm;       // window 50..80 mm, 1 mm inset
constexpr double kSenderX = 120 * kMm;        // letterhead
constexpr double kSenderW = 70 * kMm;         //
constexpr double kSenderY = 15 * kMm;         //
constexpr double kDateY = 92 * kMm;           // below the window
constexpr double kLabelW = 50 * kMm;          // label column of a row
constexpr double kValueX = kLeft + 54 * kMm;  // value column
constexpr double kValueW = kWidth - 54 * kMm;
constexpr const char* kFamily = "DejaVu Sans";

cairo_status_t appendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

FontPtr font(double size_pt, bool bold) {
  FontPtr f(pango_font_description_new());
  pango_font_description_set_family(f.get(), kFamily);
  pango_font_description_set_weight(f.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(f.get(), size_pt * PANGO_SCALE);
  return f;
}

struct Fonts {
  FontPtr small = font(7, false);
  FontPtr sender = font(8.5, false);
  FontPtr footer = font(8, false);
  FontPtr reference = font(9, false);
  FontPtr body = font(10, false);
  FontPtr body_bold = font(10, true);
  FontPtr heading = font(11, true);
  FontPtr title = font(13, true);
};

// Lays the model out once; with draw_ false it only measures (and counts pages).
class Pager {
 public:
  Pager(cairo_t* cr, PangoContext* ctx, const Fonts& fonts, const LetterModel& m, int total,
        bool draw)
      : cr_(cr), ctx_(ctx), fonts_(fonts), m_(m), total_(total), draw_(draw) {}

  int run() {
    firstPage();
    for (const auto& s : m_.sections) section(s);
    if (!m_.closing.empty()) y_ += 10;
    for (const auto& p : m_.closing) paragraph(p, fonts_.body, kLeft, kWidth, 4);
    footer();
    if (draw_) cairo_show_page(cr_);
    return page_;
  }

 private:
  LayoutPtr layout(std::string_view text, const FontPtr& f, double width, bool one_line,
                   PangoAlignment align = PANGO_ALIGN_LEFT) const {
    LayoutPtr l(pango_layout_new(ctx_));
    pango_layout_set_font_description(l.get(), f.get());
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_alignment(l.get(), align);
    if (one_line) {
      pango_layout_set_ellipsize(l.get(), PANGO_ELLIPSIZE_END);
      pango_layout_set_height(l.get(), -1);  // one line per paragraph
    } else {
      pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }

  static double height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  void show(PangoLayout* l, double x, double y, double gray = 0) {
    if (!draw_) return;
    cairo_set_source_rgb(cr_, gray, gray, gray);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  // One-line text at (x, y); returns its height.
  double line(std::string_view text, const FontPtr& f, double x, double y, double width,
              double gray = 0) {
    LayoutPtr l = layout(text, f, width, /*one_line=*/true);
    show(l.get(), x, y, gray);
    return height(l.get());
  }

  void firstPage() {
    double y = kSenderY;
    for (const auto& s : m_.sender_lines) y += line(s, fonts_.sender, kSenderX, y, kSenderW, 0.2);
    // The envelope window: return address, a thin rule, the recipient.
    y = kWindowTop;
    if (!m_.return_address.empty()) {
      y += line(m_.return_address, fonts_.small, kWindowX, y, kWindowTextW, 0.2);
      if (draw_) {
        cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
        cairo_set_line_width(cr_, 0.3);
        cairo_move_to(cr_, kWindowX, y + 0.8);
        cairo_line_to(cr_, kWindowX + kWindowTextW, y + 0.8);
        cairo_stroke(cr_);
      }
      y += 2.5;
    }
    for (const auto& r : m_.recipient_lines) y += line(r, fonts_.body, kWindowX, y, kWindowTextW);
    y_ = kDateY;
    if (!m_.place_date.empty()) y_ += line(m_.place_date, fonts_.body, kLeft, y_, kWidth) + 6;
    for (const auto& ref : m_.references) {
      LayoutPtr value = layout(ref.value, fonts_.reference, kValueW, false);
      line(ref.label, fonts_.reference, kLeft, y_, kLabelW, 0.25);
      show(value.get(), kValueX, y_);
      y_ += height(value.get()) + 1;
    }
    y_ += 12;
    paragraph(m_.title, fonts_.title, kLeft, kWidth, 8);
  }

  void newPage() {
    footer();
    if (draw_) cairo_show_page(cr_);
    ++page_;
    y_ = kTopNext;
    if (!m_.title.empty()) {
      y_ += line(m_.title, fonts_.footer, kLeft, 12 * kMm, kWidth, 0.35);
      y_ = std::max(y_, kTopNext);
    }
  }

  void footer() {
    if (!draw_) return;
    const std::string text =
        "Pagina " + std::to_string(page_) + " van " + std::to_string(total_ > 0 ? total_ : page_);
    LayoutPtr l = layout(text, fonts_.footer, kWidth, true, PANGO_ALIGN_RIGHT);
    show(l.get(), kLeft, 284 * kMm, 0.3);
  }

  // Wrapped text; split between lines across pages when it does not fit.
  void paragraph(std::string_view text, const FontPtr& f, double x, double width, double after) {
    LayoutPtr l = layout(text, f, width, false);
    IterPtr it(pango_layout_get_iter(l.get()));
    double origin = y_;  // page y of the layout's y = 0
    double last_bottom = 0;
    do {
      int y0 = 0, y1 = 0;
      pango_layout_iter_get_line_yrange(it.get(), &y0, &y1);
      const double top = static_cast<double>(y0) / PANGO_SCALE;
      const double bottom = static_cast<double>(y1) / PANGO_SCALE;
      if (origin + bottom > kBottom && origin + top > kTopNext) {
        newPage();
        origin = y_ - top;
      }
      if (draw_) {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it.get(), nullptr, &logical);
        const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it.get()));
        cairo_set_source_rgb(cr_, 0, 0, 0);
        cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE,
                      origin + baseline / PANGO_SCALE);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it.get()));
      }
      last_bottom = bottom;
    } while (pango_layout_iter_next_line(it.get()));
    y_ = origin + last_bottom + after;
  }

  double rowHeight(const LetterBlock& b, LayoutPtr& label, LayoutPtr& value) const {
    label = layout(b.label, fonts_.body, kLabelW, false);
    value = layout(b.text, fonts_.body, kValueW, false);
    return std::max(height(label.get()), height(value.get()));
  }

  void row(const LetterBlock& b) {
    LayoutPtr label, value;
    const double h = rowHeight(b, label, value);
    if (y_ + h > kBottom && y_ > kTopNext + 1) newPage();
    show(label.get(), kLeft, y_, 0.25);
    show(value.get(), kValueX, y_);
    y_ += h + 2;
  }

  // Height of a block's first line or row: what a heading keeps with it.
  double firstHeight(const LetterBlock& b) const {
    if (b.kind == LetterBlock::Kind::kRow) {
      LayoutPtr label, value;
      return rowHeight(b, label, value);
    }
    LayoutPtr l = layout(b.text, fonts_.body, kWidth, false);
    PangoRectangle logical;
    pango_layout_line_get_extents(pango_layout_get_line_readonly(l.get(), 0), nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  void section(const LetterSection& s) {
    y_ += 8;
    if (!s.heading.empty()) {
      LayoutPtr h = layout(s.heading, fonts_.heading, kWidth, false);
      const double keep = height(h.get()) + 3 + (s.blocks.empty() ? 0 : firstHeight(s.blocks[0]));
      if (y_ + keep > kBottom) newPage();
      show(h.get(), kLeft, y_);
      y_ += height(h.get()) + 3;
    }
    for (const auto& b : s.blocks) {
      if (b.kind == LetterBlock::Kind::kRow) {
        row(b);
      } else {
        paragraph(b.text, fonts_.body, kLeft, kWidth, 4);
      }
    }
  }

  cairo_t* cr_;
  PangoContext* ctx_;
  const Fonts& fonts_;
  const LetterModel& m_;
  const int total_;
  const bool draw_;
  int page_ = 1;
  double y_ = 0;
};

Error cairoError(cairo_status_t status) {
  return Error{errc::kIo, std::string("pdf: ") + cairo_status_to_string(status)};
}

}  // namespace

Result<RenderedPdf> renderLetterPdf(const LetterModel& model, const EnclosureLimits& limits) {
  // Enclosures first: one that cannot be printed fails the letter before any work is done.
  auto enclosures = Enclosures::open(model.enclosures, limits);
  if (!enclosures) return unexpected(enclosures.error());
  RenderedPdf out;
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(appendToString, &out.bytes, kA4WidthPt, kA4HeightPt));
  if (auto st = cairo_surface_status(surface.get()); st != CAIRO_STATUS_SUCCESS) {
    return unexpected(cairoError(st));
  }
  if (!model.create_date.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                   model.create_date.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE,
                                   model.create_date.c_str());
  }
  if (!model.document_title.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   model.document_title.c_str());
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "ketenhub");
  CairoPtr cr(cairo_create(surface.get()));
  ContextPtr ctx(pango_cairo_create_context(cr.get()));
  // Points as layout units, no hinting: measuring and drawing agree, on every machine.
  pango_cairo_context_set_resolution(ctx.get(), 72.0);
  FontOptionsPtr options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(ctx.get(), options.get());
  const Fonts fonts;
  const int pages = Pager(cr.get(), ctx.get(), fonts, model, 0, /*draw=*/false).run();
  out.letter_pages = Pager(cr.get(), ctx.get(), fonts, model, pages, /*draw=*/true).run();
  if (auto st = cairo_status(cr.get()); st != CAIRO_STATUS_SUCCESS) {
    return unexpected(cairoError(st));
  }
  if (auto drawn = enclosures->render(surface.get(), cr.get()); !drawn) {
    return unexpected(drawn.error());
  }
  out.enclosure_pages = enclosures->pages();
  out.pages = out.letter_pages;
  for (int n : out.enclosure_pages) out.pages += n;
  cr.reset();
  cairo_surface_finish(surface.get());
  if (auto st = cairo_surface_status(surface.get()); st != CAIRO_STATUS_SUCCESS) {
    return unexpected(cairoError(st));
  }
  surface.reset();
  return out;
}

}  // namespace hub::pdf
