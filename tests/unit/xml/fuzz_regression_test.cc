// Regressions found by the libFuzzer harnesses (tests/fuzz/, harness xml_schema); each input is
// also a seed under tests/fuzz/corpus/xml_schema/.
#include <gtest/gtest.h>
#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"

namespace hub::xml {
namespace {

// libxml2 allocations outstanding while the counting allocator is installed.
std::atomic<long> outstanding{0};

void* countingMalloc(size_t n) {
  ++outstanding;
  return std::malloc(n);
}
void* countingRealloc(void* p, size_t n) {
  if (!p) ++outstanding;
  return std::realloc(p, n);
}
void countingFree(void* p) {
  if (p) --outstanding;
  std::free(p);
}
char* countingStrdup(const char* s) {
  ++outstanding;
  return strdup(s);
}

// What a call leaves allocated in libxml2 (the thread's last-error copy is reset on both sides).
template <class F>
long leftAllocated(F&& call) {
  xmlFreeFunc free_fn;
  xmlMallocFunc malloc_fn;
  xmlReallocFunc realloc_fn;
  xmlStrdupFunc strdup_fn;
  xmlMemGet(&free_fn, &malloc_fn, &realloc_fn, &strdup_fn);
  xmlResetLastError();
  outstanding = 0;
  xmlMemSetup(countingFree, countingMalloc, countingRealloc, countingStrdup);
  call();
  xmlResetLastError();
  xmlMemSetup(free_fn, malloc_fn, realloc_fn, strdup_fn);
  return outstanding.load();
}

// A malformed XML declaration turns libxml2's SAX callbacks off; it then still reads the internal
// subset and, for an entity declaration, builds a "SAX compatibility" document on its own. Without
// tree callbacks checkWellFormed never adopted it: every such input leaked it (about 12 KiB).
TEST(FuzzRegression, WellFormedCheckFreesTheDocumentLibxml2BuildsAfterAnError) {
  for (const std::string in : {"<?xml v?><!DOCTYPE e [<!ENTITY x \"y",
                               "<?xml version=\"1.0\" ?><?xml ?><!DOCTYPE e [<!ENTITY x \"y"}) {
    long left = leftAllocated([&] {
      auto checked = Document::checkWellFormed(in);
      EXPECT_FALSE(checked.has_value()) << in;
    });
    EXPECT_EQ(left, 0) << in;
    left = leftAllocated([&] { EXPECT_FALSE(Document::parseUntrusted(in).has_value()) << in; });
    EXPECT_EQ(left, 0) << in;
  }
}

// libxml2 quotes input in some messages (here the namespace URI); a DEL (legal in XML 1.0) or any
// other control character went through into the one-line message, and from there into quarantine
// reasons and logs.
TEST(FuzzRegression, ParseErrorsCarryNoControlCharacterFromTheInput) {
  auto parsed = Document::parseUntrusted("<a xmlns:x=\"\x7f\"/>");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, errc::kNotXml);
  EXPECT_NE(parsed.error().message.find("is not a valid URI"), std::string::npos)
      << parsed.error().message;
  for (char c : parsed.error().message)
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << parsed.error().message;
}

// Open (tests/fuzz/README.md, findings): for the same input parseUntrusted says forbidden_dtd (the
// SAX-compatibility document has an internal subset) and checkWellFormed not_xml; document.h and
// Document.WellFormedCheckAgreesWithParse promise the same code. Enable once verdict() decides both
// alike (e.g. by ignoring the DTD of a document whose version is SAX_COMPAT_MODE).
TEST(FuzzRegression, DISABLED_WellFormedCheckAndParseAgreeOnADtdAfterAMalformedDeclaration) {
  const std::string in = "<?xml v?><!DOCTYPE e [<!ENTITY x \"y";
  auto parsed = Document::parseUntrusted(in);
  auto checked = Document::checkWellFormed(in);
  ASSERT_FALSE(parsed.has_value());
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(parsed.error().code, checked.error().code);
}

}  // namespace
}  // namespace hub::xml
