#pragma once
// Schema: a compiled XSD, shared read-only between threads; each validate() call has its own
// validation context. Error messages name line and element path but never element values.
#include <memory>
#include <string>

#include "hub/core/result.h"
#include "hub/xml/document.h"

struct _xmlSchema;

namespace hub::xml {

class Schema {
 public:
  // errc::kConfig naming file and line when the XSD does not compile.
  static Result<std::shared_ptr<const Schema>> load(const std::string& xsd_path);

  // errc::kSchemaViolation: "line N: /event/betrokkene/bsn: <message>; ..." (first few errors).
  // Callers turn it into errc::kProductSchema where the document is a product.
  Result<void> validate(const Document& doc) const;

  const std::string& path() const { return path_; }

  struct Free {
    void operator()(_xmlSchema* s) const;
  };

 private:
  Schema(std::string path, _xmlSchema* schema) : path_(std::move(path)), schema_(schema) {}

  std::string path_;
  std::unique_ptr<_xmlSchema, Free> schema_;
};

}  // namespace hub::xml
