#pragma once
// Reads a letter model document (the output of a mappings/<partner>/<product>.letter.xsl) into a
// hub::pdf::LetterModel. The vocabulary (no namespace; docs/letters.md):
//
//   <letter>
//     <sender><line>..</line>...</sender>            optional, at most 8 lines (letterhead)
//     <returnAddress>..</returnAddress>              optional, one line
//     <recipient><line>..</line>...</recipient>      required, 2..6 lines (the envelope window)
//     <date>Utrecht, 22 november 2026</date>         optional (place and date line)
//     <title>..</title>                              required
//     <reference label="Zaaknummer">..</reference>   0..8
//     <section heading="..">                         0..100; heading optional
//       <p>..</p>                                    paragraphs and rows, in any order
//       <row label="..">..</row>
//     </section>
//     <closing><p>..</p>...</closing>                optional
//     <enclosure soort="besluit" title="kopie van het besluit"
//                bestandsnaam="besluit.pdf" sha256="<64 hex>">base64</enclosure>     0..10
//   </letter>
//
// Whitespace in every text is normalised (trimmed, runs collapsed to one space), so indentation
// in a stylesheet never shows. Unknown elements or attributes, a namespace, empty required texts
// and oversized models (more than 2,000 blocks, a text over 8,000 bytes) are errors
// (errc::kMapping), so a faulty stylesheet is caught at the first letter, not at the printer.
// An enclosure is decoded and its SHA-256 compared with the one the signed product states for it
// (errc::kVerify when they differ); its bytes are checked as a PDF when the letter is rendered
// (hub/pdf). Errors name an enclosure by position, soort and bestandsnaam, never by content.
#include <string_view>

#include "hub/core/result.h"
#include "hub/pdf/letter_model.h"
#include "hub/xml/document.h"

namespace hub::adapters::print {

Result<pdf::LetterModel> readLetterModel(const xml::Document& doc);

// For letter models from outside (tests, tools; at most 16 MiB): parsed as untrusted XML (no DTD,
// no entities, no network) first.
Result<pdf::LetterModel> parseLetterModel(std::string_view xml_bytes);

// Trims and collapses runs of XML whitespace (space, tab, CR, LF) to one space.
std::string normalizeSpace(std::string_view text);

}  // namespace hub::adapters::print
