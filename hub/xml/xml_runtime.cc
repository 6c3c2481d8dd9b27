#include "hub/xml/xml_runtime.h"

#include <libexslt/exslt.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxslt/security.h>
#include <libxslt/xslt.h>

#include <atomic>

#include "hub/xml/security_prefs.h"

namespace hub::xml {
namespace {

std::atomic<xsltSecurityPrefsPtr> g_prefs{nullptr};

// Reading a file is allowed while a stylesheet is compiled (ctxt == nullptr: xsl:import and
// xsl:include) and refused at transform time (document(), ctxt != nullptr).
int allowReadOnlyAtCompileTime(xsltSecurityPrefsPtr, xsltTransformContextPtr ctxt, const char*) {
  return ctxt == nullptr ? 1 : 0;
}

// The generic and structured handlers of errors raised outside a context with its own handler.
void dropGenericError(void*, const char*, ...) {}
void dropStructuredError(void*, xmlErrorPtr) {}

}  // namespace

namespace internal {
_xsltSecurityPrefs* securityPrefs() { return g_prefs.load(std::memory_order_acquire); }
}  // namespace internal

XmlRuntime::XmlRuntime() {
  xmlInitParser();
  xmlThrDefSetGenericErrorFunc(nullptr, dropGenericError);
  xmlThrDefSetStructuredErrorFunc(nullptr, dropStructuredError);
  xmlSetGenericErrorFunc(nullptr, dropGenericError);
  xmlSetStructuredErrorFunc(nullptr, dropStructuredError);
  exsltRegisterAll();
  xsltSecurityPrefsPtr prefs = xsltNewSecurityPrefs();
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, allowReadOnlyAtCompileTime);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
  xsltSetDefaultSecurityPrefs(prefs);
  g_prefs.store(prefs, std::memory_order_release);
}

XmlRuntime::~XmlRuntime() {
  xsltSecurityPrefsPtr prefs = g_prefs.exchange(nullptr);
  xsltSetDefaultSecurityPrefs(nullptr);
  xsltFreeSecurityPrefs(prefs);
  xsltCleanupGlobals();
  xmlCleanupParser();
}

}  // namespace hub::xml
