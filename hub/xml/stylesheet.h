#pragma once
// Stylesheet: a compiled XSLT 1.0 mapping (libxslt + EXSLT), shared read-only between threads.
// Each apply() call has its own transform context carrying the forbidding security preferences
// (no file read, no file write, no directory creation, no network): document() cannot read.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/result.h"
#include "hub/xml/document.h"

struct _xsltStylesheet;

namespace hub::xml {

class Stylesheet {
 public:
  using Params = std::vector<std::pair<std::string, std::string>>;

  // errc::kConfig naming file and line when the stylesheet (or an xsl:import/xsl:include of it)
  // does not compile. Requires an XmlRuntime.
  static Result<std::shared_ptr<const Stylesheet>> load(const std::string& xsl_path);

  // Params are passed as string values (xsltQuoteUserParams: never evaluated as XPath, any quotes
  // are fine). errc::kMapping on a transform error or xsl:message terminate="yes", with the
  // messages; the input is never modified.
  Result<Document> apply(const Document& input, const Params& string_params) const;

  const std::string& path() const { return path_; }

  struct Free {
    void operator()(_xsltStylesheet* s) const;
  };

 private:
  Stylesheet(std::string path, _xsltStylesheet* style, bool strips_space)
      : path_(std::move(path)), style_(style), strips_space_(strips_space) {}

  std::string path_;
  std::unique_ptr<_xsltStylesheet, Free> style_;
  // xsl:strip-space would edit the input tree in place: apply() then works on a copy.
  bool strips_space_;
};

}  // namespace hub::xml
