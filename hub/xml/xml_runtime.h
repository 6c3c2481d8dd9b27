#pragma once
// XmlRuntime: process-wide libxml2/libxslt set-up, constructed once on the main thread before any
// thread touches libxml2, destroyed after every thread is done with it (RAII object in main()).
//
// - xmlInitParser(), exsltRegisterAll();
// - libxslt default security preferences: no file write, no directory creation, no network read or
//   write; file read is allowed only while a stylesheet is being compiled (xsl:import/xsl:include
//   of files next to it), never at transform time (document() is refused). Stylesheet::apply also
//   sets the same preferences on every transform context explicitly;
// - libxml2's generic and structured error handlers, the ones that get every error raised outside
//   a context with its own handler (e.g. "encoding error : input conversion failed ..., bytes
//   0x.." while decoding input), become no-ops: by default they print the message, input bytes
//   included, to stderr. They are per-thread globals in libxml2 2.9: set for this thread and as
//   the default of every thread that first uses libxml2 later. Every hub call that reads data
//   collects its errors through its own context (ErrorSink), so nothing it reports is lost.
namespace hub::xml {

class XmlRuntime {
 public:
  XmlRuntime();
  ~XmlRuntime();
  XmlRuntime(const XmlRuntime&) = delete;
  XmlRuntime& operator=(const XmlRuntime&) = delete;
};

}  // namespace hub::xml
