// docs/products.md against the product schemas: the overview table (field counts, documents)
// and the per-product field tables (every listed path declared, every personal field listed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hub/xml/element_tree.h"
#include "tests/unit/xml/catalogue_support.h"

namespace hub::xml::catalogue {
namespace {

using ::testing::HasSubstr;

// The element paths a product schema declares below its root ("betrokkene/adres/straat"; a
// repeated element once), read from the schema and the shared schemas/common/product.xsd it
// includes: every declared path (groups too) and the leaves.
struct SchemaPaths {
  std::set<std::string> all;
  std::vector<std::string> leaves;
};

SchemaPaths schemaPaths(const std::string& relative) {
  SchemaPaths out;
  std::vector<Element> schemas;
  for (const std::string& file : {relative, std::string("schemas/common/product.xsd")}) {
    auto doc = Document::parseUntrusted(readFile(sourcePath(file)));
    EXPECT_TRUE(doc.has_value()) << file;
    if (!doc) return out;
    auto tree = elementTree(*doc);
    EXPECT_TRUE(tree.has_value()) << file;
    if (!tree) return out;
    schemas.push_back(std::move(*tree));
  }
  std::map<std::string, const Element*> types;  // named complex and simple types
  for (const Element& schema : schemas) {
    for (const Element& c : schema.children) {
      const std::string* name = c.attribute("name");
      if ((c.name == "complexType" || c.name == "simpleType") && name != nullptr) {
        types.emplace(*name, &c);
      }
    }
  }
  std::function<void(const Element&, const std::string&)> content;
  auto element = [&](const Element& e, const std::string& prefix) {
    const std::string* name = e.attribute("name");
    if (name == nullptr) return;
    const std::string path = prefix.empty() ? *name : prefix + "/" + *name;
    out.all.insert(path);
    const Element* complex = nullptr;
    if (const std::string* type = e.attribute("type")) {
      auto it = types.find(*type);
      if (it != types.end() && it->second->name == "complexType") complex = it->second;
    } else {
      for (const Element& c : e.children) {
        if (c.name == "complexType") complex = &c;
      }
    }
    if (complex != nullptr) {
      content(*complex, path);
    } else {
      out.leaves.push_back(path);
    }
  };
  content = [&](const Element& node, const std::string& prefix) {
    for (const Element& c : node.children) {
      if (c.name == "element") {
        element(c, prefix);
      } else if (c.name == "sequence" || c.name == "all" || c.name == "choice" ||
                 c.name == "complexType") {
        content(c, prefix);
      }
    }
  };
  for (const Element& c : schemas.front().children) {
    if (c.name == "element") content(c, "");  // the root element: paths start below it
  }
  return out;
}

// docs/products.md, as lines.
std::vector<std::string> productsDocLines() {
  std::istringstream in(readFile(sourcePath("docs/products.md")));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The cells of a Markdown table row ("| a | b |" -> {"a", "b"}), trimmed.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  for (std::string cell : split(line, '|')) {
    const size_t b = cell.find_first_not_of(' ');
    const size_t e = cell.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
  }
  return out;
}

// Every `code` span of a text.
std::vector<std::string> codeSpans(const std::string& text) {
  std::vector<std::string> out;
  const std::regex code("`([^`]+)`");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), code); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

// "partner/product" -> its catalogue rows (verzoek-aanwijzing-advocaat has two).
std::map<std::string, std::vector<const Row*>> productsByName() {
  std::map<std::string, std::vector<const Row*>> out;
  for (const Row& r : catalogue()) out[r.partner + "/" + r.product].push_back(&r);
  return out;
}

// The overview table: one row per product with its event types, its field count (leaf elements
// declared in the product schema, header included; in brackets those outside the header) and the
// kinds of document it carries.
TEST(ProductsDoc, OverviewTableMatchesTheSchemas) {
  const auto products = productsByName();
  ASSERT_EQ(products.size(), 12u);
  std::map<std::string, std::vector<std::string>> overview;
  for (const std::string& line : productsDocLines()) {
    if (line.rfind("| ", 0) != 0) continue;
    const std::vector<std::string> c = cells(line);
    if (c.size() != 6 || products.count(c[0] + "/" + c[1]) == 0) continue;
    EXPECT_TRUE(overview.emplace(c[0] + "/" + c[1], c).second) << "two rows for " << c[1];
  }
  EXPECT_EQ(overview.size(), products.size());
  for (const auto& [name, rows] : products) {
    SCOPED_TRACE(name);
    auto it = overview.find(name);
    ASSERT_TRUE(it != overview.end()) << "no row (partner | product | event type | fields | "
                                         "documents | in short)";
    const std::vector<std::string>& c = it->second;
    const SchemaPaths paths = schemaPaths(xsdOf(*rows.front()));
    const size_t header = static_cast<size_t>(
        std::count_if(paths.leaves.begin(), paths.leaves.end(),
                      [](const std::string& p) { return p.rfind("header/", 0) == 0; }));
    EXPECT_EQ(header, 9u);
    EXPECT_EQ(c[3], std::to_string(paths.leaves.size()) + " (" +
                        std::to_string(paths.leaves.size() - header) + ")");
    for (const Row* r : rows) {
      EXPECT_THAT(c[2], HasSubstr(r->event_type));
    }
    std::vector<std::string> listed = codeSpans(c[4]);
    std::vector<std::string> kinds = split(rows.front()->documents, ' ');
    std::sort(listed.begin(), listed.end());
    std::sort(kinds.begin(), kinds.end());
    EXPECT_EQ(listed, kinds) << "documents column: " << c[4];
    if (kinds.empty()) {
      EXPECT_EQ(c[4], "none");
    }
    EXPECT_EQ(paths.all.count("documenten/document/inhoud"), kinds.empty() ? 0u : 1u)
        << "the schema declares documenten exactly for the products that carry documents";
  }
}

// Every product has a subsection "### partner/product" whose table lists its fields by element
// path (a group covers the leaves below it): each listed path is declared in the product schema,
// and every leaf of the schema outside the header and the organisation blocks (zorgaanbieder,
// gemeente) is listed. The subsection also says what is left out, documents included when the
// event has them and the product does not.
TEST(ProductsDoc, EveryProductHasAFieldTableCoveringItsSchema) {
  const std::vector<std::string> lines = productsDocLines();
  for (const auto& [name, rows] : productsByName()) {
    SCOPED_TRACE(name);
    auto heading = std::find(lines.begin(), lines.end(), "### " + name);
    ASSERT_TRUE(heading != lines.end()) << "no subsection ### " << name;
    std::vector<std::string> listed;
    std::string left_out;  // the paragraph that starts with "Left out"
    for (auto it = heading + 1;
         it != lines.end() && it->rfind("## ", 0) != 0 && it->rfind("### ", 0) != 0; ++it) {
      if (it->rfind("| `", 0) == 0) {
        for (const std::string& path : codeSpans(cells(*it).front())) listed.push_back(path);
      }
      if (it->rfind("Left out", 0) == 0) {
        for (auto p = it; p != lines.end() && !p->empty(); ++p) left_out += *p + " ";
      }
    }
    EXPECT_FALSE(listed.empty()) << "no field table";
    EXPECT_FALSE(left_out.empty()) << "no 'Left out' line";
    const SchemaPaths paths = schemaPaths(xsdOf(*rows.front()));
    for (const std::string& path : listed) {
      EXPECT_EQ(paths.all.count(path), 1u) << "listed but not in the schema: " << path;
    }
    for (const std::string& leaf : paths.leaves) {
      if (leaf.rfind("header/", 0) == 0 || leaf.rfind("zorgaanbieder/", 0) == 0 ||
          leaf.find("gemeente/") != std::string::npos) {
        continue;
      }
      const bool covered = std::any_of(listed.begin(), listed.end(), [&](const std::string& p) {
        return leaf == p || leaf.rfind(p + "/", 0) == 0;
      });
      EXPECT_TRUE(covered) << "field not in the table: " << leaf;
    }
    for (const Row* r : rows) {
      if (r->documents.empty() && !eventDocuments(edited(r->event_type, {})).empty()) {
        EXPECT_THAT(left_out, HasSubstr("documents")) << r->event_type;
      }
    }
  }
}

}  // namespace
}  // namespace hub::xml::catalogue
