#pragma once
// Internal to hub/xml and hub/dsig: collects libxml2 structured errors for one call (one parser,
// validation or transform context). Never a global handler: each context points at its own sink.
//
// The one place where libxml2's messages about data are made value-free: libxml2 quotes the
// offending value ("The value 'M. Bakker' is not accepted by the pattern ...") and parser errors
// quote or append input text. Every message that leaves a sink reading data names the place
// (line, element path) and the rule that failed, never a value (valueFreeMessage below).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct _xmlError;
struct _xmlNode;

namespace hub::xml::internal {

// The element path of a node, names only (never values): /event/betrokkene/bsn, /a/b/@attr.
std::string elementPath(const _xmlNode* node);

// One libxml2 message about data, rebuilt without any value taken from the input:
//  - `node_prefix` ("Element 'naam': ", "Element 'c', attribute 'at': ", libxml2's way of naming
//    the node a validation error is about) is dropped: the caller shows the element path instead;
//  - a message of a known shape is rebuilt from its fixed text, keeping what comes from the schema
//    (facet and type names, the pattern, the enumeration, expected element names) and numbers
//    (lines, limits), dropping values and names read from malformed input;
//  - a message of an unknown shape loses everything after a line break inside it (libxml2 appends
//    input excerpts that way) and everything from its first quote to its last;
//  - control characters never pass.
// Example: "Element 'naam': [facet 'pattern'] The value 'M. Bakker\r\n' is not accepted by the
// pattern '\S(.*\S)?'.\n" -> "[facet 'pattern'] the value is not accepted by the pattern
// '\S(.*\S)?'".
std::string valueFreeMessage(std::string_view message, std::string_view node_prefix = {});

// `s` without control characters: C0, DEL and C1 (two bytes in UTF-8, both dropped).
std::string withoutControls(std::string_view s);

struct ErrorSink {
  static constexpr size_t kKeep = 5;
  struct Entry {
    int line = 0;
    int column = 0;
    std::string file;     // with_file only
    std::string path;     // element path when the error names a node
    std::string message;  // one line; value-free unless with_file
  };
  std::vector<Entry> entries;      // first kKeep errors (level >= XML_ERR_ERROR)
  size_t errors = 0;               // all errors seen
  bool dtd_seen = false;           // set by Document's internalSubset hook
  bool element_seen = false;       // set by Document's well-formedness check (no tree built)
  size_t max_elements = 0;         // Document's element bound (0: none) ...
  size_t elements = 0;             // ... the elements read so far ...
  bool too_many_elements = false;  // ... and whether it stopped the parser
  bool with_path = false;          // compute Entry::path from the error node
  // The sink reads a configuration file the operator wrote (an XSD or XSL being loaded): keep
  // Entry::file and libxml2's message as it is, its quotes being that file's own text. Every other
  // sink reads data (events, products, partner responses) and keeps value-free messages only.
  bool with_file = false;

  void add(const _xmlError& err);
  // "line 3 col 7: msg; line 9 col 1: msg (and 4 more)"
  std::string summary(bool with_column) const;
};

// xmlStructuredErrorFunc-compatible trampoline: user_data is an ErrorSink*.
void collectError(void* user_data, _xmlError* err);

}  // namespace hub::xml::internal
