// The module's one exported symbol (hub/pdf/pdf_module_api.h). Compiled into the static hub_pdf
// library too, where nothing calls it.
#include "hub/pdf/pdf_module_api.h"

namespace {

hub::Result<hub::pdf::RenderedPdf> render(const hub::pdf::LetterModel& model,
                                          const hub::pdf::EnclosureLimits& limits) {
  return hub::pdf::renderLetterPdf(model, limits);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const hub::pdf::PdfModuleApi*
ketenhub_pdf_module() {
  static const hub::pdf::PdfModuleApi api = [] {
    hub::pdf::PdfModuleApi a;
    a.render = &render;
    return a;
  }();
  return &api;
}
