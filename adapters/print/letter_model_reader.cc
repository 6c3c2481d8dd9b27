#include "adapters/print/letter_model_reader.h"

#include <initializer_list>
#include <string>

#include "hub/core/error_codes.h"
#include "hub/tls/digest.h"
#include "hub/xml/element_tree.h"

namespace hub::adapters::print {
namespace {

constexpr size_t kMaxText = 8000;
constexpr size_t kMaxBlocks = 2000;
constexpr size_t kMaxSections = 100;
constexpr size_t kMaxEnclosures = 10;
constexpr size_t kMaxEnclosureBase64 = 48u << 20;  // 36 MiB decoded; hub/pdf bounds the total

using xml::Element;

Unexpected<Error> bad(const std::string& what) {
  return unexpected(errc::kMapping, "letter model: " + what);
}

// Checks the element has no namespace and only the allowed attributes.
Result<void> checkShape(const Element& e, std::initializer_list<const char*> allowed_attrs) {
  if (!e.ns.empty()) return bad("element <" + e.name + "> must not have a namespace");
  for (const auto& [name, value] : e.attributes) {
    bool ok = false;
    for (const char* a : allowed_attrs) ok = ok || name == a;
    if (!ok) return bad("unknown attribute '" + name + "' on <" + e.name + ">");
  }
  return {};
}

Result<std::string> textOf(const Element& e, bool required,
                           std::initializer_list<const char*> allowed_attrs = {}) {
  if (auto s = checkShape(e, allowed_attrs); !s) return unexpected(s.error());
  if (!e.children.empty()) return bad("<" + e.name + "> must contain text only");
  std::string t = normalizeSpace(e.text);
  if (t.size() > kMaxText) return bad("text of <" + e.name + "> is too long");
  if (required && t.empty()) return bad("<" + e.name + "> is empty");
  return t;
}

Result<std::string> attributeOf(const Element& e, const char* name) {
  const std::string* v = e.attribute(name);
  std::string t = v ? normalizeSpace(*v) : "";
  if (t.size() > kMaxText) return bad(std::string("attribute ") + name + " is too long");
  return t;
}

Result<std::vector<std::string>> linesOf(const Element& e, size_t min, size_t max) {
  if (auto s = checkShape(e, {}); !s) return unexpected(s.error());
  if (!normalizeSpace(e.text).empty()) return bad("<" + e.name + "> holds text outside <line>");
  std::vector<std::string> lines;
  for (const auto& c : e.children) {
    if (c.name != "line") return bad("unexpected <" + c.name + "> in <" + e.name + ">");
    auto t = textOf(c, true);
    if (!t) return unexpected(t.error());
    lines.push_back(std::move(*t));
  }
  if (lines.size() < min || lines.size() > max) {
    return bad("<" + e.name + "> needs " + std::to_string(min) + ".." + std::to_string(max) +
               " lines, has " + std::to_string(lines.size()));
  }
  return lines;
}

Result<pdf::LetterSection> sectionOf(const Element& e, size_t& blocks) {
  if (auto s = checkShape(e, {"heading"}); !s) return unexpected(s.error());
  pdf::LetterSection section;
  auto heading = attributeOf(e, "heading");
  if (!heading) return unexpected(heading.error());
  section.heading = std::move(*heading);
  for (const auto& c : e.children) {
    if (++blocks > kMaxBlocks) return bad("too many paragraphs and rows");
    pdf::LetterBlock b;
    if (c.name == "p") {
      b.kind = pdf::LetterBlock::Kind::kParagraph;
      auto t = textOf(c, true);
      if (!t) return unexpected(t.error());
      b.text = std::move(*t);
    } else if (c.name == "row") {
      b.kind = pdf::LetterBlock::Kind::kRow;
      auto t = textOf(c, false, {"label"});
      if (!t) return unexpected(t.error());
      auto label = attributeOf(c, "label");
      if (!label) return unexpected(label.error());
      b.label = std::move(*label);
      b.text = std::move(*t);
    } else {
      return bad("unexpected <" + c.name + "> in <section>");
    }
    section.blocks.push_back(std::move(b));
  }
  return section;
}

bool isPlainFileName(std::string_view s) {
  if (s.empty() || s.size() > 100 || s[0] == '.' || s[0] == '-' || s[0] == '_') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool isKind(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

bool isSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// <enclosure soort=".." title=".." bestandsnaam=".." sha256="..">base64</enclosure>: decoded, and
// checked against the SHA-256 the signed product states for it.
Result<pdf::LetterEnclosure> enclosureOf(const Element& e, size_t index) {
  if (auto s = checkShape(e, {"soort", "title", "bestandsnaam", "sha256"}); !s)
    return unexpected(s.error());
  if (!e.children.empty()) return bad("<enclosure> must contain base64 text only");
  pdf::LetterEnclosure out;
  const std::string* kind = e.attribute("soort");
  const std::string* file = e.attribute("bestandsnaam");
  const std::string* sha = e.attribute("sha256");
  const std::string at = "enclosure " + std::to_string(index + 1);
  if (!kind || !isKind(*kind)) return bad(at + ": soort must be a kind such as besluit");
  if (!file || !isPlainFileName(*file))
    return bad(at + " (" + *kind + "): bestandsnaam must be a plain file name");
  const std::string name = at + " (" + *kind + ", " + *file + ")";
  if (!sha || !isSha256Hex(*sha)) return bad(name + ": sha256 must be 64 lower-case hex digits");
  auto title = attributeOf(e, "title");
  if (!title) return unexpected(title.error());
  if (title->empty()) return bad(name + ": title is empty");
  if (e.text.size() > kMaxEnclosureBase64) return bad(name + " is too large");
  auto bytes = tls::base64Decode(e.text);
  if (!bytes) return bad(name + " is not base64");
  if (tls::sha256Hex(*bytes) != *sha) {
    return unexpected(errc::kVerify, "letter model: " + name +
                                         " does not match the SHA-256 the signed product states");
  }
  out.kind = *kind;
  out.title = std::move(*title);
  out.file_name = *file;
  out.sha256 = *sha;
  out.bytes = std::move(*bytes);
  return out;
}

}  // namespace

std::string normalizeSpace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

Result<pdf::LetterModel> readLetterModel(const xml::Document& doc) {
  auto tree = xml::elementTree(doc, 8, 20000);
  if (!tree) return bad(tree.error().message);
  const Element& root = *tree;
  if (root.name != "letter") return bad("root element must be <letter>, not <" + root.name + ">");
  if (auto s = checkShape(root, {}); !s) return unexpected(s.error());
  pdf::LetterModel m;
  bool have_recipient = false, have_title = false;
  size_t blocks = 0;
  for (const auto& c : root.children) {
    if (c.name == "sender") {
      auto lines = linesOf(c, 1, 8);
      if (!lines) return unexpected(lines.error());
      m.sender_lines = std::move(*lines);
    } else if (c.name == "recipient") {
      auto lines = linesOf(c, 2, 6);
      if (!lines) return unexpected(lines.error());
      m.recipient_lines = std::move(*lines);
      have_recipient = true;
    } else if (c.name == "returnAddress" || c.name == "date" || c.name == "title") {
      auto t = textOf(c, c.name == "title");
      if (!t) return unexpected(t.error());
      if (c.name == "returnAddress") m.return_address = std::move(*t);
      if (c.name == "date") m.place_date = std::move(*t);
      if (c.name == "title") m.title = std::move(*t), have_title = true;
    } else if (c.name == "reference") {
      auto t = textOf(c, false, {"label"});
      if (!t) return unexpected(t.error());
      auto label = attributeOf(c, "label");
      if (!label) return unexpected(label.error());
      if (m.references.size() >= 8) return bad("too many references");
      m.references.push_back({std::move(*label), std::move(*t)});
    } else if (c.name == "section") {
      if (m.sections.size() >= kMaxSections) return bad("too many sections");
      auto s = sectionOf(c, blocks);
      if (!s) return unexpected(s.error());
      m.sections.push_back(std::move(*s));
    } else if (c.name == "enclosure") {
      if (m.enclosures.size() >= kMaxEnclosures) return bad("too many enclosures");
      auto enc = enclosureOf(c, m.enclosures.size());
      if (!enc) return unexpected(enc.error());
      m.enclosures.push_back(std::move(*enc));
    } else if (c.name == "closing") {
      if (auto s = checkShape(c, {}); !s) return unexpected(s.error());
      for (const auto& p : c.children) {
        if (p.name != "p") return bad("unexpected <" + p.name + "> in <closing>");
        auto t = textOf(p, true);
        if (!t) return unexpected(t.error());
        m.closing.push_back(std::move(*t));
      }
    } else {
      return bad("unexpected <" + c.name + "> in <letter>");
    }
  }
  if (!have_recipient) return bad("<recipient> is missing");
  if (!have_title) return bad("<title> is missing");
  return m;
}

Result<pdf::LetterModel> parseLetterModel(std::string_view xml_bytes) {
  auto doc = xml::Document::parseUntrusted(xml_bytes, 16u << 20);
  if (!doc) return unexpected(doc.error());
  return readLetterModel(*doc);
}

}  // namespace hub::adapters::print
