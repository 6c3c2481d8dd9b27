#include "adapters/print/letter_model_reader.h"

#include <initializer_list>
#include <string>

#include "hub/core/error_codes.h"
#include "hub/xml/element_tree.h"

namespace hub::adapters::print {
namespace {

constexpr size_t kMaxText = 8000;
constexpr size_t kMaxBlocks = 2000;
constexpr size_t kMaxSections = 100;

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
  auto doc = xml::Document::parseUntrusted(xml_bytes, 1u << 20);
  if (!doc) return unexpected(doc.error());
  return readLetterModel(*doc);
}

}  // namespace hub::adapters::print
