#pragma once
// Internal to hub/xml and hub/dsig: collects libxml2 structured errors for one call (one parser,
// validation or transform context). Never a global handler: each context points at its own sink.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

struct _xmlError;
struct _xmlNode;

namespace hub::xml::internal {

// The element path of a node, names only (never values): /event/betrokkene/bsn, /a/b/@attr.
std::string elementPath(const _xmlNode* node);

struct ErrorSink {
  static constexpr size_t kKeep = 5;
  struct Entry {
    int line = 0;
    int column = 0;
    std::string file;     // with_file only
    std::string path;     // element path when the error names a node
    std::string message;  // libxml2's message, one line
  };
  std::vector<Entry> entries;  // first kKeep errors (level >= XML_ERR_ERROR)
  size_t errors = 0;           // all errors seen
  bool dtd_seen = false;       // set by Document's internalSubset hook
  bool element_seen = false;   // set by Document's well-formedness check (no tree built)
  bool with_path = false;      // compute Entry::path from the error node
  bool with_file = false;      // keep Entry::file (stylesheet / schema loading)
  // Optional filter applied to each message before it is kept (e.g. redaction of values).
  std::function<std::string(const _xmlError&, std::string)> rewrite;

  void add(const _xmlError& err);
  // "line 3 col 7: msg; line 9 col 1: msg (and 4 more)"
  std::string summary(bool with_column) const;
};

// xmlStructuredErrorFunc-compatible trampoline: user_data is an ErrorSink*.
void collectError(void* user_data, _xmlError* err);

}  // namespace hub::xml::internal
