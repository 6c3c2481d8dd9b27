// XmlRuntime: libxml2 errors raised outside a parser context with its own handler (encoding
// conversion errors, found by the xml_schema fuzz harness) never reach stderr, on the thread that
// made the runtime and on a thread that first uses libxml2 later.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"

namespace hub::xml {
namespace {

// Autodetected as UCS-4 (big endian), then a code unit that does not convert: libxml2 2.9 reports
// "encoding error : input conversion failed due to input error, bytes 0x00 0x00 0x00 0xFF" through
// the thread's generic error handler, quoting the input bytes.
const std::string kBrokenEncoding("<\0\0\0\xff\xff\0\0", 8);

// What `call` writes to file descriptor 2 (redirected to a temporary file meanwhile).
template <class F>
std::string stderrOf(F&& call) {
  char path[] = "/tmp/xml_runtime_test_stderr_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  std::fflush(stderr);
  const int saved = dup(2);
  dup2(fd, 2);
  call();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  unlink(path);
  return text.str();
}

void expectRefusedWithoutInputBytes(const std::string& in) {
  auto parsed = Document::parseUntrusted(in);
  auto checked = Document::checkWellFormed(in);
  ASSERT_FALSE(parsed.has_value());
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(parsed.error().code, errc::kNotXml);
  EXPECT_EQ(checked.error().code, errc::kNotXml);
  for (const std::string& m : {parsed.error().message, checked.error().message}) {
    EXPECT_EQ(m.find("0xFF"), std::string::npos) << m;
    EXPECT_EQ(m.find('\xff'), std::string::npos) << m;
  }
}

// The input does reach libxml2's generic handler: with libxml2's default handlers it prints.
TEST(XmlRuntime, BrokenEncodingInputReachesTheGenericHandler) {
  const xmlGenericErrorFunc generic = xmlGenericError;
  void* generic_ctx = xmlGenericErrorContext;
  const xmlStructuredErrorFunc structured = xmlStructuredError;
  void* structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(nullptr, nullptr);  // libxml2's default: stderr
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  const std::string err = stderrOf([] { (void)Document::parseUntrusted(kBrokenEncoding); });
  xmlSetGenericErrorFunc(generic_ctx, generic);
  xmlSetStructuredErrorFunc(structured_ctx, structured);
  EXPECT_NE(err.find("encoding error"), std::string::npos) << err;
}

TEST(XmlRuntime, NoLibxml2ErrorReachesStderr) {
  const std::string err = stderrOf([] {
    expectRefusedWithoutInputBytes(kBrokenEncoding);
    expectRefusedWithoutInputBytes("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\xff\xfe<e/>");
    expectRefusedWithoutInputBytes(std::string("\xff\xfe<\0e\0\xd8\0\0/\0>\0", 14));
  });
  EXPECT_EQ(err, "");
}

TEST(XmlRuntime, NoLibxml2ErrorReachesStderrFromANewThread) {
  const std::string err = stderrOf([] {
    std::thread worker([] { expectRefusedWithoutInputBytes(kBrokenEncoding); });
    worker.join();
  });
  EXPECT_EQ(err, "");
}

}  // namespace
}  // namespace hub::xml
