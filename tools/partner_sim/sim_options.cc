#include "tools/partner_sim/sim_options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "hub/core/error_codes.h"
#include "hub/tls/testing/test_profiles.h"
#include "hub/tls/tls_profile.h"
#include "tools/partner_sim/request_check.h"

namespace hub::sim {
namespace {

Unexpected<Error> usageError(const std::string& msg) { return unexpected(errc::kConfig, msg); }

Result<long> parseInteger(const std::string& flag, const std::string& s, long lo, long hi) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    return usageError(flag + " needs a whole number from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + s + "'");
  }
  return v;
}

Result<double> parseRate(const std::string& flag, const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0 || v > 1) {
    return usageError(flag + " needs a number from 0 to 1, got '" + s + "'");
  }
  return v;
}

std::string get(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> parseListen(std::string_view value) {
  size_t colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return usageError("--listen needs HOST:PORT (e.g. 127.0.0.1:0), got '" + std::string(value) +
                      "'");
  }
  std::string host(value.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = parseInteger("--listen port", std::string(value.substr(colon + 1)), 0, 65535);
  if (!port) return unexpected(port.error());
  return std::make_pair(host, static_cast<uint16_t>(*port));
}

Result<std::map<std::string, std::string>> parseActionList(const std::string& flag,
                                                           std::string_view value) {
  std::map<std::string, std::string> out;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const size_t eq = item.find('=');
    const std::string product(item.substr(0, eq == std::string_view::npos ? 0 : eq));
    const std::string action(eq == std::string_view::npos ? "" : item.substr(eq + 1));
    const bool uri = action.find(':') != std::string::npos &&
                     std::all_of(action.begin(), action.end(), [](char c) {
                       return static_cast<unsigned char>(c) > 0x20 &&
                              static_cast<unsigned char>(c) < 0x7f && c != '"';
                     });
    if (!isSafeName(product) || !uri) {
      return usageError(flag + " needs PRODUCT=URI[,PRODUCT=URI...], got '" + std::string(item) +
                        "'");
    }
    if (!out.emplace(product, action).second) {
      return usageError(flag + " names product '" + product + "' twice");
    }
  }
  if (out.empty()) return usageError(flag + " needs PRODUCT=URI[,PRODUCT=URI...]");
  return out;
}

Result<SimOptions> buildSimOptions(const std::map<std::string, std::string>& values,
                                   bool no_verify_signature, bool bad_relates_to, bool bad_action) {
  SimOptions o;
  for (const char* required : {"--listen", "--cert", "--key", "--ca"}) {
    if (get(values, required).empty()) return usageError(std::string("missing ") + required);
  }
  auto listen = parseListen(get(values, "--listen"));
  if (!listen) return unexpected(listen.error());
  o.host = listen->first;
  o.port = listen->second;
  o.cert_path = get(values, "--cert");
  o.key_path = get(values, "--key");
  o.ca_path = get(values, "--ca");
  o.partner = get(values, "--partner");
  if (!o.partner.empty() && !isSafeName(o.partner)) {
    return usageError("--partner needs a partner code like 'om', got '" + o.partner + "'");
  }
  if (auto a = get(values, "--adapter"); !a.empty()) o.adapter = a;
  if (o.adapter != "rest-xml" && o.adapter != "digikoppeling-wus") {
    return usageError("--adapter '" + o.adapter +
                      "' is not supported (supported: rest-xml, digikoppeling-wus)");
  }
  const bool wus = o.adapter == "digikoppeling-wus";
  if (auto f = get(values, "--soap-fault"); !f.empty()) {
    if (f != "client" && f != "server") {
      return usageError("--soap-fault needs client or server, got '" + f + "'");
    }
    if (!wus) return usageError("--soap-fault needs --adapter digikoppeling-wus");
    o.faults.soap_fault = f == "client" ? SoapFault::kClient : SoapFault::kServer;
  }
  if (bad_relates_to && !wus) {
    return usageError("--bad-relates-to needs --adapter digikoppeling-wus");
  }
  o.faults.bad_relates_to = bad_relates_to;
  if (bad_action && !wus) return usageError("--bad-action needs --adapter digikoppeling-wus");
  o.faults.bad_action = bad_action;
  for (auto [flag, target] : {std::pair{"--actions", &o.wus_actions.request},
                              std::pair{"--response-actions", &o.wus_actions.response}}) {
    const std::string v = get(values, flag);
    if (v.empty()) continue;
    if (!wus) return usageError(std::string(flag) + " needs --adapter digikoppeling-wus");
    auto list = parseActionList(flag, v);
    if (!list) return unexpected(list.error());
    *target = std::move(*list);
  }
  o.verify_ca_path = get(values, "--verify-ca");
  o.verify_signature = !no_verify_signature;
  if (no_verify_signature && !o.verify_ca_path.empty()) {
    return usageError("--verify-ca and --no-verify-signature exclude each other");
  }
  if (o.verify_signature && o.verify_ca_path.empty()) o.verify_ca_path = o.ca_path;
  o.schemas_dir = get(values, "--schemas");
  if (!o.schemas_dir.empty() && o.partner.empty()) {
    return usageError("--schemas needs --partner (schemas are read from DIR/<partner>/)");
  }
  o.out_dir = get(values, "--out");
  o.port_file = get(values, "--port-file");
  if (auto p = get(values, "--tls-profile"); !p.empty()) o.tls_profile = p;
  if (!tls::isKnownProfile(o.tls_profile) && !tls::isTestProfile(o.tls_profile)) {
    return usageError("unknown --tls-profile '" + o.tls_profile +
                      "' (ncsc-sufficient, ncsc-good, legacy-cbc, tls11-only, tls12-only)");
  }
  if (auto s = get(values, "--status"); !s.empty()) {
    auto v = parseInteger("--status", s, 100, 599);
    if (!v) return unexpected(v.error());
    o.faults.status = static_cast<int>(*v);
  }
  if (auto s = get(values, "--fail-first"); !s.empty()) {
    auto v = parseInteger("--fail-first", s, 0, 1000000000);
    if (!v) return unexpected(v.error());
    o.faults.fail_first = static_cast<int>(*v);
  }
  o.faults.fail_case = get(values, "--fail-case");
  if (!o.faults.fail_case.empty() && o.faults.fail_first == 0)
    return usageError("--fail-case needs --fail-first N");
  if (auto s = get(values, "--fail-rate"); !s.empty()) {
    auto v = parseRate("--fail-rate", s);
    if (!v) return unexpected(v.error());
    o.faults.fail_rate = *v;
  }
  if (auto s = get(values, "--delay-ms"); !s.empty()) {
    auto v = parseInteger("--delay-ms", s, 0, 600000);
    if (!v) return unexpected(v.error());
    o.faults.delay_ms = static_cast<int>(*v);
  }
  return o;
}

}  // namespace hub::sim
