// Fuzz target: hub/xml/json_to_xml.h jsonToXml, the JSON -> XML rule (docs/json-to-xml.md), on
// arbitrary bytes. Beyond memory safety (ASan, UBSan) it checks the converter's promises:
//  - success: the output is <event xmlns:xsi=...>...</event> that the hub's own safe parser
//    (parseUntrusted, parseTrusted, checkWellFormed) accepts, with root element "event";
//  - failure: errc::kNotJson or errc::kInvalidInput, one line, starting with the JSON pointer of
//    the culprit ("/..." or "(root)").
// The first input byte also picks a smaller nesting limit for 1 input in 4 (the limit's own path).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/json_to_xml.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::initXmlRuntime();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  xml::JsonLimits limits;
  if (size > 0 && (data[0] & 3) == 3) limits.max_depth = 2 + data[0] % 7;
  auto xml_text = xml::jsonToXml(json, limits);
  if (!xml_text) {
    const Error& e = xml_text.error();
    fuzz::check(e.code == errc::kNotJson || e.code == errc::kInvalidInput,
                "jsonToXml error code is not_json or invalid_input", e.code);
    fuzz::check(fuzz::startsWith(e.message, "/") || fuzz::startsWith(e.message, "(root)"),
                "jsonToXml error starts with a JSON pointer", e.message);
    fuzz::check(!fuzz::hasControl(e.message), "jsonToXml error is one line", e.message);
    return 0;
  }
  const std::string& out = *xml_text;
  fuzz::check(fuzz::startsWith(out, "<event xmlns:xsi=\""), "output starts with <event", out);
  auto untrusted = xml::Document::parseUntrusted(out, out.size() + 1);
  fuzz::check(untrusted.has_value(), "output is accepted by parseUntrusted",
              untrusted ? std::string_view{} : std::string_view(untrusted.error().message));
  fuzz::check(untrusted->rootName() == "event", "output root is event", out);
  auto checked = xml::Document::checkWellFormed(out, out.size() + 1);
  fuzz::check(checked.has_value(), "output passes checkWellFormed",
              checked ? std::string_view{} : std::string_view(checked.error().message));
  auto trusted = xml::Document::parseTrusted(out);
  fuzz::check(trusted.has_value(), "output is accepted by parseTrusted", out);
  return 0;
}
