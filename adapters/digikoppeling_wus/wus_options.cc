#include "adapters/digikoppeling_wus/wus_options.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "hub/config/loader.h"
#include "hub/core/error_codes.h"

namespace fs = std::filesystem;

namespace hub::adapters::wus {
namespace {

constexpr size_t kMaxUriLength = 1024;
constexpr const char* kUriRule =
    "expected an absolute URI (scheme:...) in printable ASCII without spaces, '\"', '<', '>' or "
    "'\\'";

bool isProductName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// `path` as shown to the operator: relative to hub.yaml's directory when it lies below it.
std::string shownPath(const std::string& base_dir, const std::string& path) {
  auto rel = fs::path(path).lexically_relative(base_dir);
  return (!rel.empty() && rel.string().rfind("..", 0) != 0) ? rel.string() : path;
}

// Reads one URI-valued key; "" when absent or invalid (then reported).
std::string readUri(config::MapReader& r, const std::string& key) {
  std::string v = r.str(key, false);
  if (r.has(key) && !isHeaderUri(v)) {
    r.error(key, kUriRule);
    return {};
  }
  return v;
}

// Reads wus.wsdl: resolved against the directory of the partners file, then parsed.
void readWsdl(config::MapReader& w, const std::string& base_dir, WusOptions& o) {
  const std::string value = w.str("wsdl", false);
  if (!w.has("wsdl")) return;
  const fs::path partners_file = config::resolvePath(base_dir, w.file());
  o.wsdl = config::resolvePath(partners_file.parent_path().string(), value);
  o.wsdl_shown = shownPath(base_dir, o.wsdl);
  o.wsdl_source = w.file() + ":" + std::to_string(w.positionOf("wsdl").line);
  auto actions = readWsdlActions(o.wsdl);
  if (!actions) {
    w.error("wsdl", "WSDL " + o.wsdl_shown + ": " + actions.error().message);
    return;
  }
  o.wsdl_actions = std::move(*actions);
}

}  // namespace

bool isHeaderUri(std::string_view uri) {
  if (uri.empty() || uri.size() > kMaxUriLength) return false;
  const size_t colon = uri.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == uri.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return std::all_of(uri.begin(), uri.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
  });
}

ChannelOptionsConstSharedPtr readWusOptions(config::MapReader& r, const std::string& base_dir) {
  const size_t errors = r.diag().errors().size();
  auto coupling = readHttpsCouplingOptions(r, base_dir);
  auto o = std::make_shared<WusOptions>();
  if (const auto* c = dynamic_cast<const HttpsCouplingOptions*>(coupling.get())) {
    static_cast<HttpsCouplingOptions&>(*o) = *c;
  }
  config::MapReader w = r.child("wus");
  o->contract.to = readUri(w, "to");
  readWsdl(w, base_dir, *o);
  w.eachEntry("products", false,
              [&](const std::string& product, config::MapReader& p, config::Position) {
                if (!isProductName(product)) {
                  p.error("", "a product name holds only letters, digits, '.', '_' or '-'");
                }
                WusProductActions a;
                a.action = readUri(p, "action");
                a.response_action = readUri(p, "response_action");
                if (!p.has("action") && !p.has("response_action")) {
                  p.error("", "give action, response_action or both");
                }
                if (o->wsdl_actions && !a.action.empty()) {
                  const std::string response =
                      a.response_action.empty() ? a.action + "Response" : a.response_action;
                  if (std::string problem = wsdlActionProblem(*o->wsdl_actions, a.action, response);
                      !problem.empty()) {
                    const bool input_ok = o->wsdl_actions->inputs.count(a.action) > 0;
                    p.error(input_ok && p.has("response_action") ? "response_action" : "action",
                            problem + " (WSDL " + o->wsdl_shown + ")");
                  }
                }
                o->contract.products[product] = a;
              });
  w.finish();
  if (!coupling || r.diag().errors().size() != errors) return nullptr;
  return o;
}

Result<std::string> requestAction(const WusContract& c, std::string_view partner,
                                  std::string_view product) {
  auto it = c.products.find(std::string(product));
  if (it != c.products.end() && !it->second.action.empty()) return it->second.action;
  return wusAction(partner, product);
}

std::string responseAction(const WusContract& c, std::string_view product,
                           std::string_view request_action) {
  auto it = c.products.find(std::string(product));
  if (it != c.products.end() && !it->second.response_action.empty()) {
    return it->second.response_action;
  }
  return std::string(request_action) + "Response";
}

Result<void> checkRoutedActions(const WusOptions& o, std::string_view partner,
                                const std::vector<std::string>& products) {
  if (!o.wsdl_actions) return {};
  const std::set<std::string> routed(products.begin(), products.end());
  for (const auto& product : routed) {
    auto configured = o.contract.products.find(product);
    if (configured != o.contract.products.end() && !configured->second.action.empty()) continue;
    auto action = requestAction(o.contract, partner, product);
    if (!action) return unexpected(errc::kConfig, action.error().message);
    const std::string response = responseAction(o.contract, product, *action);
    if (std::string problem = wsdlActionProblem(*o.wsdl_actions, *action, response);
        !problem.empty()) {
      return unexpected(errc::kConfig, "product '" + product + "' (default action): " + problem +
                                           " (WSDL " + o.wsdl_shown + ", wus.wsdl at " +
                                           o.wsdl_source + "); set wus.products." + product +
                                           ".action to an action it defines");
    }
  }
  return {};
}

}  // namespace hub::adapters::wus
