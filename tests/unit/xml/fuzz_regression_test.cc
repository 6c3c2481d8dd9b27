// Regressions found by the libFuzzer harnesses (tests/fuzz/, harness xml_schema); each input is
// also a seed under tests/fuzz/corpus/xml_schema/.
#include <gtest/gtest.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
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

// After a fatal error before <!DOCTYPE (here a malformed XML declaration) libxml2 turns the SAX
// callbacks off, so the DTD refusal hook never runs; it still reads the DOCTYPE and declares the
// internal entities in a "SAX compatibility" document. parseUntrusted counted that document's DTD
// (forbidden_dtd) and resolved &x; from it, checkWellFormed did neither (not_xml, "Entity 'x' not
// defined"). Both now take their verdict from the same parser state: forbidden_dtd.
TEST(FuzzRegression, WellFormedCheckAndParseAgreeOnADtdAfterAMalformedDeclaration) {
  for (const std::string in : {
           "<?xml v?><!DOCTYPE e [<!ENTITY x \"y",
           "<?xml version=\"1.0\"x?><!DOCTYPE e [<!ENTITY x \"y\">]><e>&x;</e>",
           "<?xml version=\"1.0\"\xff\b?><!DOCTYPE event [<!ENTITY x \"y\">]><event>&x;</event>",
           "<?xml v?><!DOCTYPE e><e/>",
           "<?xml v?><!DOCTYPE e SYSTEM \"http://127.0.0.1:9/e.dtd\"><e/>",
       }) {
    auto parsed = Document::parseUntrusted(in);
    auto checked = Document::checkWellFormed(in);
    ASSERT_FALSE(parsed.has_value()) << in;
    ASSERT_FALSE(checked.has_value()) << in;
    EXPECT_EQ(parsed.error().code, errc::kForbiddenDtd) << in << ": " << parsed.error().message;
    EXPECT_EQ(checked.error().code, errc::kForbiddenDtd) << in << ": " << checked.error().message;
  }
}

// A DOCTYPE without a name is no DOCTYPE to libxml2 (not_xml in both), yet it reads the entity
// declarations after it: check resolved none of them ("Entity 'x' not defined"), parse did.
TEST(FuzzRegression, WellFormedCheckAndParseReportTheSameErrorsAfterANamelessDoctype) {
  const std::string in = "<?xml v?><!DOCTYPE [<!ENTITY x \"y\">]><e>&x;</e>";
  auto parsed = Document::parseUntrusted(in);
  auto checked = Document::checkWellFormed(in);
  ASSERT_FALSE(parsed.has_value());
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(parsed.error().code, errc::kNotXml);
  EXPECT_EQ(parsed.error().message, checked.error().message);
}

int g_entity_loads = 0;

xmlParserInputPtr countingLoader(const char*, const char*, xmlParserCtxtPtr) {
  ++g_entity_loads;
  return nullptr;
}

// Neither call ever asks for an external entity or DTD, with or without an earlier fatal error
// (the SAX callbacks being off must not open another way in).
TEST(FuzzRegression, NoExternalEntityIsLoadedAfterAMalformedDeclaration) {
  const xmlExternalEntityLoader previous = xmlGetExternalEntityLoader();
  xmlSetExternalEntityLoader(countingLoader);
  g_entity_loads = 0;
  for (const std::string decl : {"", "<?xml v?>", "<?xml version=\"1.0\"x?>"}) {
    for (const std::string rest : {
             "<!DOCTYPE e SYSTEM \"file:///etc/hostname\"><e/>",
             "<!DOCTYPE e [<!ENTITY % p SYSTEM \"file:///etc/hostname\"> %p;]><e/>",
             "<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><e>&x;</e>",
         }) {
      const std::string in = decl + rest;
      auto parsed = Document::parseUntrusted(in);
      auto checked = Document::checkWellFormed(in);
      ASSERT_FALSE(parsed.has_value()) << in;
      ASSERT_FALSE(checked.has_value()) << in;
      EXPECT_EQ(parsed.error().code, errc::kForbiddenDtd) << in << ": " << parsed.error().message;
      EXPECT_EQ(checked.error().code, errc::kForbiddenDtd) << in << ": " << checked.error().message;
    }
  }
  xmlSetExternalEntityLoader(previous);
  EXPECT_EQ(g_entity_loads, 0);
}

}  // namespace
}  // namespace hub::xml
