// Fuzz target: untrusted XML (hub/xml/document.h parseUntrusted) and event schema validation
// (hub/xml/schema.h against schemas/events/*.xsd).
// Input: one selector byte ('0' + the index of the event schema in the sorted list of
// schemas/events/*.xsd other than common.xsd, modulo their number), then the XML bytes.
// Checks beyond ASan/UBSan:
//  - parseUntrusted and checkWellFormed agree on acceptance, error code and error positions;
//  - errors are one line, with the documented codes;
//  - a parsed document serializes to bytes that parseUntrusted accepts again, with the same root;
//  - validation fails only with errc::kSchemaViolation and a one-line message.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/schema.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;

namespace {

std::vector<std::shared_ptr<const xml::Schema>>* schemas = nullptr;

void loadSchemas() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(fuzz::sourcePath("schemas/events")))
    if (e.path().extension() == ".xsd" && e.path().filename() != "common.xsd")
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  schemas = new std::vector<std::shared_ptr<const xml::Schema>>();
  for (const auto& f : files) {
    auto s = xml::Schema::load(f);
    if (!s) fuzz::fail("event schema does not load", s.error().message);
    schemas->push_back(*s);
  }
  fuzz::check(!schemas->empty(), "schemas/events has event schemas");
}

bool parseCode(const std::string& code) {
  return code == errc::kNotXml || code == errc::kForbiddenDtd || code == errc::kTooLarge;
}

// The "line L col C" of each error in a message. The texts themselves may differ: without the
// tree callbacks libxml2 words some messages shorter (e.g. "Double hyphen within comment" without
// the comment's text).
std::vector<std::string> positions(const std::string& message) {
  std::vector<std::string> out;
  for (size_t p = message.find("line "); p != std::string::npos; p = message.find("line ", p + 1)) {
    if (p != 0 && (p < 2 || message.compare(p - 2, 2, "; ") != 0)) continue;  // in a text
    const size_t end = message.find(':', p);
    out.push_back(message.substr(p, end == std::string::npos ? std::string::npos : end - p));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::initXmlRuntime();
  loadSchemas();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = static_cast<uint8_t>(data[0] - '0');  // '0' is the first schema
  const xml::Schema& schema = *(*schemas)[selector % schemas->size()];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  auto doc = xml::Document::parseUntrusted(bytes);
  auto wf = xml::Document::checkWellFormed(bytes);
  fuzz::check(doc.has_value() == wf.has_value(), "parseUntrusted and checkWellFormed agree",
              doc ? wf.error().message : doc.error().message);
  if (!doc) {
    const Error& e = doc.error();
    fuzz::check(parseCode(e.code), "parse error code", e.code);
    fuzz::check(e.code == wf.error().code, "parse error codes agree", e.code);
    fuzz::check(positions(e.message) == positions(wf.error().message),
                "parse errors agree on their positions", e.message + " | " + wf.error().message);
    fuzz::check(!fuzz::hasControl(e.message), "parse error is one line", e.message);
    return 0;
  }
  const std::string root = doc->rootName();
  fuzz::check(!root.empty(), "a parsed document has a root element");
  const std::string again = doc->serialize();
  auto reparsed = xml::Document::parseUntrusted(again, again.size() + 1);
  fuzz::check(reparsed.has_value(), "serialized document parses again",
              reparsed ? std::string_view{} : std::string_view(reparsed.error().message));
  fuzz::check(reparsed->rootName() == root, "root survives serialization", root);

  auto valid = schema.validate(*doc);
  if (!valid) {
    fuzz::check(valid.error().code == errc::kSchemaViolation, "validation error code",
                valid.error().code);
    fuzz::check(!fuzz::hasControl(valid.error().message), "validation error is one line",
                valid.error().message);
  }
  return 0;
}
