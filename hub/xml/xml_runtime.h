#pragma once
// XmlRuntime: process-wide libxml2/libxslt set-up, constructed once on the main thread before any
// thread touches libxml2, destroyed after every thread is done with it (RAII object in main()).
//
// - xmlInitParser(), exsltRegisterAll();
// - libxslt default security preferences: no file write, no directory creation, no network read or
//   write; file read is allowed only while a stylesheet is being compiled (xsl:import/xsl:include
//   of files next to it), never at transform time (document() is refused). Stylesheet::apply also
//   sets the same preferences on every transform context explicitly.
namespace hub::xml {

class XmlRuntime {
 public:
  XmlRuntime();
  ~XmlRuntime();
  XmlRuntime(const XmlRuntime&) = delete;
  XmlRuntime& operator=(const XmlRuntime&) = delete;
};

}  // namespace hub::xml
