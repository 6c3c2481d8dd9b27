#pragma once
// Map (XSLT) -> validate (product XSD) -> sign (XML-DSig): one pure function of (runtime, input),
// run by the delivery workers and by `ketenhub route test` alike.
#include <string>

#include "hub/core/result.h"
#include "hub/engine/runtime.h"

namespace hub::engine {

struct ProductInput {
  std::string event_xml;
  std::string message_id, case_id, event_type, actor;
  std::string delivery_id;
  std::string partner, product;
  std::string sent_at;  // RFC 3339 UTC
};

struct BuiltProduct {
  std::string signed_xml;
  std::string unsigned_xml;  // for `route test` output
};

Result<BuiltProduct> buildProduct(const Runtime& rt, const ProductInput& in, bool keep_unsigned);

}  // namespace hub::engine
