#pragma once
// One table of stable error codes (X-macro). Codes appear in quarantine reasons, delivery reasons,
// logs and metrics; never rename one.
#define HUB_ERROR_CODES(X)                                                 \
  X(kConfig, "config")              /* configuration file problem */       \
  X(kIo, "io")                      /* file or socket I/O */               \
  X(kNotJson, "not_json")           /* body is not well-formed JSON */     \
  X(kNotXml, "not_xml")             /* body is not well-formed XML */      \
  X(kForbiddenDtd, "forbidden_dtd") /* XML body carries a DTD or entity */ \
  X(kInvalidInput, "invalid_input") /* JSON not convertible by the rule */ \
  X(kMissingProperty, "missing_property")                                  \
  X(kUnknownEventType, "unknown_event_type")                               \
  X(kSchemaViolation, "schema_violation")                                  \
  X(kTooLarge, "too_large")                                                \
  X(kUnsupportedContentType, "unsupported_content_type")                   \
  X(kCaseMismatch, "case_mismatch")                                        \
  X(kNoRoute, "no_route")                                                  \
  X(kMapping, "mapping")              /* XSLT failed */                    \
  X(kProductSchema, "product_schema") /* mapped product fails its XSD */   \
  X(kSigning, "signing")                                                   \
  X(kVerify, "verify")                                                     \
  X(kTls, "tls")                                                           \
  X(kStore, "store")                                                       \
  X(kTransport, "transport")                                               \
  X(kDeadline, "deadline")                                                 \
  X(kPermanent, "permanent")                                               \
  X(kDocument, "document") /* a document in the event is not what it says */

namespace hub::errc {
#define HUB_ERRC_DEFINE(name, text) inline constexpr const char* name = text;
HUB_ERROR_CODES(HUB_ERRC_DEFINE)
#undef HUB_ERRC_DEFINE
}  // namespace hub::errc
