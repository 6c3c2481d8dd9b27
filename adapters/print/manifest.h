#pragma once
// The manifest that travels with a letter's PDF (pure; Boost.JSON). In a spool directory it is
// <partner>-<delivery id>.json next to the .pdf, written last: its presence marks a complete
// letter. Keys, in this order:
//
//   {"recipient": ["Openbaar Ministerie", ...], "partner": "om",
//    "product": "kennisgeving-crisismaatregel", "zaaknummer": "CM-0344-2026-000123",
//    "delivery_id": "74b0...", "pages": 4, "pdf_sha256": "<hex>", "pdf_file": "om-74b0....pdf",
//    "product_sha256": "<hex of the signed product>", "created_at": "2026-11-22T07:15:00.000Z",
//    "enclosures": [{"soort": "besluit", "bestandsnaam": "besluit-crisismaatregel.pdf",
//                    "sha256": "<hex>", "pages": 1}, ...]}
//
// "pages" counts every page of the PDF: the letter's and the enclosures' (printed after the
// letter, in the order listed). "enclosures" is [] for a letter without any.
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/result.h"

namespace hub::adapters::print {

// A document printed after the letter (hub::pdf::LetterEnclosure), as the signed product names it.
struct ManifestEnclosure {
  std::string soort;
  std::string bestandsnaam;
  std::string sha256;  // lower-case hex of the enclosed PDF
  int pages = 0;

  bool operator==(const ManifestEnclosure&) const = default;
};

struct Manifest {
  std::vector<std::string> recipient;
  std::string partner;
  std::string product;
  std::string zaaknummer;
  std::string delivery_id;
  int pages = 0;  // letter and enclosures
  std::string pdf_sha256;
  std::string pdf_file;
  std::string product_sha256;
  std::string created_at;  // RFC 3339 UTC
  std::vector<ManifestEnclosure> enclosures;

  bool operator==(const Manifest&) const = default;
};

std::string manifestJson(const Manifest& m);

// errc::kInvalidInput when the text is not a manifest with exactly these keys and types.
Result<Manifest> parseManifest(std::string_view json);

}  // namespace hub::adapters::print
