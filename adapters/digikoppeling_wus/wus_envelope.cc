#include "adapters/digikoppeling_wus/wus_envelope.h"

#include <algorithm>
#include <cctype>

#include "hub/core/error_codes.h"
#include "hub/xml/escape.h"

namespace hub::adapters::wus {
namespace {

Unexpected<Error> invalid(const std::string& msg) {
  return unexpected(errc::kInvalidInput, "wus: " + msg);
}

bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimXmlSpace(std::string_view s) {
  while (!s.empty() && isXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool isUrnPart(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isHex(s[i])) return false;
  }
  return true;
}

// The value of pseudo-attribute `name` in an XML declaration's text, "" when absent.
std::string declAttribute(std::string_view decl, std::string_view name) {
  size_t pos = 0;
  while ((pos = decl.find(name, pos)) != std::string_view::npos) {
    size_t i = pos + name.size();
    const bool starts_word = pos > 0 && isXmlSpace(decl[pos - 1]);
    pos = i;
    if (!starts_word) continue;
    while (i < decl.size() && isXmlSpace(decl[i])) ++i;
    if (i >= decl.size() || decl[i] != '=') continue;
    ++i;
    while (i < decl.size() && isXmlSpace(decl[i])) ++i;
    if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) continue;
    const char quote = decl[i];
    const size_t end = decl.find(quote, i + 1);
    if (end == std::string_view::npos) return {};
    return std::string(decl.substr(i + 1, end - i - 1));
  }
  return {};
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<std::string> wusAction(std::string_view partner, std::string_view product) {
  if (!isUrnPart(partner)) return invalid("partner code unusable in wsa:Action");
  if (!isUrnPart(product)) return invalid("product name unusable in wsa:Action");
  std::string action = "urn:ketenhub:";
  action.append(partner).append(":").append(product).append(":").append(kWusActionVersion);
  return action;
}

Result<std::string> wusMessageId(std::string_view delivery_id) {
  if (!isUuid(delivery_id)) return invalid("delivery id is not a UUID (wsa:MessageID urn:uuid:)");
  return "urn:uuid:" + std::string(delivery_id);
}

std::string wsaTo(std::string_view endpoint, std::string_view partner_oin) {
  if (partner_oin.empty()) return std::string(endpoint);
  const size_t hash = endpoint.find('#');
  std::string_view base = endpoint.substr(0, hash);
  std::string to(base);
  to += base.find('?') == std::string_view::npos ? "?OIN=" : "&OIN=";
  to.append(partner_oin);
  if (hash != std::string_view::npos) to.append(endpoint.substr(hash));
  return to;
}

std::string wsaFrom(std::string_view hub_oin) {
  return std::string(kWsaAnonymous) + "?OIN=" + std::string(hub_oin);
}

Result<std::string_view> productElement(std::string_view doc) {
  if (doc.substr(0, 3) == "\xEF\xBB\xBF") doc.remove_prefix(3);
  if (doc.substr(0, 5) == "<?xml" && doc.size() > 5 && isXmlSpace(doc[5])) {
    const size_t end = doc.find("?>");
    if (end == std::string_view::npos) return invalid("product: unterminated XML declaration");
    const std::string encoding = declAttribute(doc.substr(5, end - 5), "encoding");
    if (!encoding.empty() && !iequals(encoding, "UTF-8")) {
      return invalid("product: encoding must be UTF-8");
    }
    doc.remove_prefix(end + 2);
  }
  doc = trimXmlSpace(doc);
  if (doc.size() < 3 || doc.front() != '<' || doc.back() != '>') {
    return invalid("product: not a single XML element");
  }
  const auto first = static_cast<unsigned char>(doc[1]);
  if (first == '!' || first == '?' || first == '/' || isXmlSpace(doc[1])) {
    return invalid("product: only the root element may follow the XML declaration");
  }
  return doc;
}

Result<std::string> buildEnvelope(const EnvelopeHeaders& headers, std::string_view signed_product) {
  auto product = productElement(signed_product);
  if (!product) return unexpected(product.error());
  std::string out;
  out.reserve(product->size() + 1024);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"";
  out.append(kSoapNs).append("\" xmlns:wsa=\"").append(kWsaNs).append("\"><soap:Header>");
  struct Field {
    const char* open;
    const char* close;
    const std::string& value;
    const char* name;
  } fields[] = {
      {"<wsa:To>", "</wsa:To>", headers.to, "wsa:To"},
      {"<wsa:Action>", "</wsa:Action>", headers.action, "wsa:Action"},
      {"<wsa:MessageID>", "</wsa:MessageID>", headers.message_id, "wsa:MessageID"},
      {"<wsa:From><wsa:Address>", "</wsa:Address></wsa:From>", headers.from, "wsa:From"},
  };
  for (const auto& f : fields) {
    if (f.value.empty()) return invalid(std::string(f.name) + " is empty");
    out += f.open;
    // A header value is one line: no control character at all (XML would allow tab and newline).
    const bool control = std::any_of(f.value.begin(), f.value.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (control || !xml::appendXmlText(out, f.value)) {
      return invalid(std::string(f.name) + " holds a control character");
    }
    out += f.close;
  }
  out += "</soap:Header><soap:Body>";
  out.append(*product);
  out += "</soap:Body></soap:Envelope>\n";
  return out;
}

}  // namespace hub::adapters::wus
