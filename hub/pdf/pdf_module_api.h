#pragma once
// The letter renderer as a loadable module (libketenhub-pdf.so): cairo, pango and poppler with
// their ~50 libraries (~7 MB of resident memory) are mapped only when a hub prints its first
// letter, not in every hub that never falls back to paper. The hub loads the module with
// hub/pdf_loader/pdf_loader.h; this header is the one contract between the two.
//
// The module exports one C symbol, kPdfModuleEntry, returning a PdfModuleApi. The loader refuses a
// module whose abi or type sizes differ from its own (a module from another build): bump kPdfAbi
// whenever LetterModel, RenderedPdf, EnclosureLimits or the render signature change meaning.
#include <cstddef>
#include <cstdint>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"
#include "hub/pdf/pdf_renderer.h"

namespace hub::pdf {

inline constexpr uint32_t kPdfAbi = 1;
inline constexpr const char* kPdfModuleEntry = "ketenhub_pdf_module";
inline constexpr const char* kPdfModuleFile = "libketenhub-pdf.so";

struct PdfModuleApi {
  uint32_t abi = kPdfAbi;
  size_t letter_model_size = sizeof(LetterModel);
  size_t rendered_pdf_size = sizeof(RenderedPdf);
  size_t enclosure_limits_size = sizeof(EnclosureLimits);
  Result<RenderedPdf> (*render)(const LetterModel&, const EnclosureLimits&) = nullptr;
};

}  // namespace hub::pdf

extern "C" {
using KetenhubPdfModuleFn = const hub::pdf::PdfModuleApi* (*)();
}
