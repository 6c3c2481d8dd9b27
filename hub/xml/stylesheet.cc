#include "hub/xml/stylesheet.h"

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/xml/error_sink.h"
#include "hub/xml/security_prefs.h"

namespace hub::xml {
namespace {

using TransformCtxtPtr = CPtr<xsltTransformContext, xsltFreeTransformContext>;
using DocPtr = CPtr<xmlDoc, xmlFreeDoc>;

// libxslt reports through printf-style callbacks that arrive in fragments.
struct TextSink {
  std::string text;
  void append(const char* fmt, va_list ap) {
    char buf[1024];
    const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    if (n > 0 && text.size() < 4000) text.append(buf, std::min<size_t>(n, sizeof buf - 1));
  }
  std::string oneLine() const {
    std::string s;
    for (char c : text) {
      if (c == '\n') {
        if (!s.empty() && s.back() != ' ') s += "; ";
      } else {
        s += c;
      }
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == ';')) s.pop_back();
    return s;
  }
};

void collectText(void* ctx, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  static_cast<TextSink*>(ctx)->append(fmt, ap);
  va_end(ap);
}

// libxml2's structured handler is per thread: set it for the duration of one call only.
class ScopedThreadErrors {
 public:
  explicit ScopedThreadErrors(internal::ErrorSink* sink)
      : old_fn_(xmlStructuredError), old_ctx_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(sink, internal::collectError);
  }
  ~ScopedThreadErrors() { xmlSetStructuredErrorFunc(old_ctx_, old_fn_); }
  ScopedThreadErrors(const ScopedThreadErrors&) = delete;
  ScopedThreadErrors& operator=(const ScopedThreadErrors&) = delete;

 private:
  xmlStructuredErrorFunc old_fn_;
  void* old_ctx_;
};

// libxslt's compile-time error function is process-global: loads are serialised and restore it.
std::mutex g_load_mu;

}  // namespace

void Stylesheet::Free::operator()(_xsltStylesheet* s) const { xsltFreeStylesheet(s); }

Result<std::shared_ptr<const Stylesheet>> Stylesheet::load(const std::string& xsl_path) {
  if (internal::securityPrefs() == nullptr) {
    return unexpected(errc::kConfig, xsl_path + ": XmlRuntime not initialised");
  }
  if (::access(xsl_path.c_str(), R_OK) != 0) {
    return unexpected(errc::kConfig, xsl_path + ": cannot read the stylesheet file");
  }
  std::lock_guard<std::mutex> lock(g_load_mu);
  TextSink text;
  internal::ErrorSink sink;
  sink.with_file = true;
  xsltStylesheetPtr style = nullptr;
  {
    ScopedThreadErrors scoped(&sink);
    xsltSetGenericErrorFunc(&text, collectText);
    style = xsltParseStylesheetFile(reinterpret_cast<const xmlChar*>(xsl_path.c_str()));
    xsltSetGenericErrorFunc(nullptr, nullptr);
  }
  std::unique_ptr<_xsltStylesheet, Free> owned(style);
  if (!owned || owned->errors > 0 || sink.errors > 0) {
    std::string why = sink.summary(/*with_column=*/false);
    const std::string more = text.oneLine();
    if (!more.empty()) why += (why.empty() ? "" : "; ") + more;
    if (why.empty()) why = "does not compile";
    return unexpected(errc::kConfig, xsl_path + ": XSLT error: " + why);
  }
  // Does this stylesheet (or an import) strip whitespace from its input?
  DocPtr probe(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  TransformCtxtPtr ctxt(xsltNewTransformContext(owned.get(), probe.get()));
  const bool strips = !ctxt || xsltNeedElemSpaceHandling(ctxt.get()) != 0;
  return std::shared_ptr<const Stylesheet>(new Stylesheet(xsl_path, owned.release(), strips));
}

Result<Document> Stylesheet::apply(const Document& input, const Params& string_params) const {
  xsltSecurityPrefsPtr prefs = internal::securityPrefs();
  if (prefs == nullptr) return unexpected(errc::kMapping, "XmlRuntime not initialised");
  if (input.raw() == nullptr) return unexpected(errc::kMapping, "no input document");
  DocPtr copy;
  xmlDocPtr source = input.raw();
  if (strips_space_) {
    copy.reset(xmlCopyDoc(input.raw(), 1));
    if (!copy) return unexpected(errc::kMapping, "out of memory copying the input");
    source = copy.get();
  }
  TransformCtxtPtr ctxt(xsltNewTransformContext(style_.get(), source));
  if (!ctxt) return unexpected(errc::kMapping, "cannot create transform context");
  if (xsltSetCtxtSecurityPrefs(prefs, ctxt.get()) != 0) {
    return unexpected(errc::kMapping, "cannot set XSLT security preferences");
  }
  TextSink text;
  xsltSetTransformErrorFunc(ctxt.get(), &text, collectText);
  std::vector<const char*> params;
  params.reserve(string_params.size() * 2 + 1);
  for (const auto& [name, value] : string_params) {
    params.push_back(name.c_str());
    params.push_back(value.c_str());
  }
  params.push_back(nullptr);
  internal::ErrorSink sink;
  DocPtr result;
  {
    ScopedThreadErrors scoped(&sink);
    if (xsltQuoteUserParams(ctxt.get(), params.data()) != 0) {
      return unexpected(errc::kMapping, path_ + ": cannot set stylesheet parameters");
    }
    result.reset(
        xsltApplyStylesheetUser(style_.get(), source, nullptr, nullptr, nullptr, ctxt.get()));
  }
  const bool failed = !result || ctxt->state != XSLT_STATE_OK || sink.errors > 0;
  if (failed) {
    std::string why = text.oneLine();
    const std::string more = sink.summary(/*with_column=*/false);
    if (!more.empty()) why += (why.empty() ? "" : "; ") + more;
    if (ctxt->state == XSLT_STATE_STOPPED) why = "terminated by xsl:message: " + why;
    if (why.empty()) why = "transform failed";
    return unexpected(errc::kMapping, path_ + ": " + why);
  }
  if (xmlDocGetRootElement(result.get()) == nullptr) {
    return unexpected(errc::kMapping, path_ + ": result has no root element");
  }
  return Document::adopt(result.release());
}

}  // namespace hub::xml
