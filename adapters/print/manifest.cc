#include "adapters/print/manifest.h"

#include <boost/json.hpp>

#include "hub/core/error_codes.h"

namespace hub::adapters::print {
namespace json = boost::json;

std::string manifestJson(const Manifest& m) {
  json::array recipient;
  for (const auto& line : m.recipient) recipient.emplace_back(line);
  json::object o;
  o["recipient"] = std::move(recipient);
  o["partner"] = m.partner;
  o["product"] = m.product;
  o["zaaknummer"] = m.zaaknummer;
  o["delivery_id"] = m.delivery_id;
  o["pages"] = m.pages;
  o["pdf_sha256"] = m.pdf_sha256;
  o["pdf_file"] = m.pdf_file;
  o["product_sha256"] = m.product_sha256;
  o["created_at"] = m.created_at;
  json::array enclosures;
  for (const auto& e : m.enclosures) {
    json::object enc;
    enc["soort"] = e.soort;
    enc["bestandsnaam"] = e.bestandsnaam;
    enc["sha256"] = e.sha256;
    enc["pages"] = e.pages;
    enclosures.emplace_back(std::move(enc));
  }
  o["enclosures"] = std::move(enclosures);
  return json::serialize(o) + "\n";
}

Result<Manifest> parseManifest(std::string_view text) {
  auto bad = [](const std::string& why) {
    return unexpected(errc::kInvalidInput, "manifest: " + why);
  };
  json::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return bad("not a JSON object");
  const json::object& o = v.as_object();
  if (o.size() != 11) return bad("expected 11 keys");
  Manifest m;
  auto str = [&](const char* key, std::string& out) {
    const json::value* f = o.if_contains(key);
    if (!f || !f->is_string()) return false;
    out = std::string(f->as_string());
    return true;
  };
  if (!str("partner", m.partner) || !str("product", m.product) ||
      !str("zaaknummer", m.zaaknummer) || !str("delivery_id", m.delivery_id) ||
      !str("pdf_sha256", m.pdf_sha256) || !str("pdf_file", m.pdf_file) ||
      !str("product_sha256", m.product_sha256) || !str("created_at", m.created_at))
    return bad("missing or non-text field");
  const json::value* pages = o.if_contains("pages");
  if (!pages || !pages->is_int64() || pages->as_int64() < 1 || pages->as_int64() > 10000)
    return bad("pages must be a positive integer");
  m.pages = static_cast<int>(pages->as_int64());
  const json::value* recipient = o.if_contains("recipient");
  if (!recipient || !recipient->is_array()) return bad("recipient must be a list");
  for (const auto& line : recipient->as_array()) {
    if (!line.is_string()) return bad("recipient lines must be text");
    m.recipient.emplace_back(line.as_string());
  }
  const json::value* enclosures = o.if_contains("enclosures");
  if (!enclosures || !enclosures->is_array()) return bad("enclosures must be a list");
  for (const auto& item : enclosures->as_array()) {
    const json::object* enc = item.if_object();
    if (!enc || enc->size() != 4) return bad("an enclosure has soort, bestandsnaam, sha256, pages");
    ManifestEnclosure e;
    auto text = [&](const char* key, std::string& out) {
      const json::value* f = enc->if_contains(key);
      if (!f || !f->is_string()) return false;
      out = std::string(f->as_string());
      return true;
    };
    if (!text("soort", e.soort) || !text("bestandsnaam", e.bestandsnaam) ||
        !text("sha256", e.sha256))
      return bad("an enclosure has a missing or non-text field");
    const json::value* n = enc->if_contains("pages");
    if (!n || !n->is_int64() || n->as_int64() < 1 || n->as_int64() > 10000)
      return bad("enclosure pages must be a positive integer");
    e.pages = static_cast<int>(n->as_int64());
    m.enclosures.push_back(std::move(e));
  }
  return m;
}

}  // namespace hub::adapters::print
