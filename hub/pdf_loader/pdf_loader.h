#pragma once
// The letter renderer, loaded when it is first needed: hub/pdf is built as its own module
// (libketenhub-pdf.so, contract in hub/pdf/pdf_module_api.h) so that a hub that never prints does
// not map cairo, pango, poppler and glib (~7 MB resident, ~50 libraries) at all.
//
// Where the module is looked for, in order, relative to the running binary (/proc/self/exe), never
// from the environment or the working directory:
//   <binary dir>/libketenhub-pdf.so               a build tree (the tests, bench/)
//   <binary dir>/../lib/ketenhub/libketenhub-pdf.so   an installed package (/usr/bin, /usr/lib)
// A candidate must be a regular file that others cannot write.
//
// Thread-safe. Once loaded the module stays (never unloaded: glib cannot be). A failed load is
// tried again by the next letter, so a repaired install needs no restart.
#include <string>
#include <vector>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"
#include "hub/pdf/pdf_renderer.h"

namespace hub::pdf_loader {

std::vector<std::string> moduleCandidates();

// The module's path: the first usable candidate, or errc::kConfig naming what was looked at. Only
// stat(2): the print channel calls it when it is created, so that a missing module is a config
// error at start rather than a failed letter later.
Result<std::string> locateModule();

// Loads the module (dlopen) and checks that it was built for this binary (ABI and type sizes).
Result<void> loadModule();

// Whether the module is mapped into this process.
bool moduleLoaded();

// pdf::renderLetterPdf through the module, loading it on first use.
Result<pdf::RenderedPdf> renderLetterPdf(const pdf::LetterModel& model,
                                         const pdf::EnclosureLimits& limits = {});

}  // namespace hub::pdf_loader
