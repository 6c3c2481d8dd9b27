// ketenhub partner-sim: a chain partner's HTTPS endpoint for the demo, tests and benchmarks.
// Checks the client certificate (mutual TLS), the headers, the XML-DSig and the schema,
// stores what it accepted and injects faults. Wiring only: the logic is in hub/sim.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "hub/app/args.h"
#include "hub/app/commands.h"
#include "hub/log/log.h"
#include "hub/tls/testing/server_context.h"
#include "tools/partner_sim/content_checker.h"
#include "tools/partner_sim/https_server.h"
#include "tools/partner_sim/partner_sim.h"
#include "tools/partner_sim/received_store.h"
#include "tools/partner_sim/sim_options.h"

namespace hub::app {
namespace {

const char* kSimUsage =
    "usage: ketenhub partner-sim --listen 127.0.0.1:PORT --cert C --key K --ca CA [options]\n"
    "  --listen HOST:PORT      port 0 picks a free port (printed, and written to --port-file)\n"
    "  --cert C --key K        the partner's TLS server certificate and key (PEM)\n"
    "  --ca CA                 CAs trusted for client certificates (mutual TLS, required)\n"
    "  --partner CODE          partner code (om, igj, ...), needed with --schemas\n"
    "  --adapter A             rest-xml (default) or digikoppeling-wus (SOAP 1.1, profile 2W-be)\n"
    "  --verify-ca CA          CAs trusted for XML signatures (default: --ca)\n"
    "  --no-verify-signature   accept unsigned or unverifiable documents\n"
    "  --quiet                 log warnings and errors only (no line per delivery)\n"
    "  --schemas DIR           validate against DIR/<partner>/<product>.xsd (the product is\n"
    "                          X-Product, or for WUS the product of a configured action\n"
    "                          (--actions) or the <product> of wsa:Action\n"
    "                          urn:ketenhub:<partner>:<product>:<version>)\n"
    "  --out DIR               store DIR/<delivery id>.xml and DIR/received.jsonl (WUS: the\n"
    "                          soap:Body child; the id is wsa:MessageID without urn:uuid:)\n"
    "  --status CODE           answer CODE to every delivery (Retry-After: 1 on 503/429)\n"
    "  --fail-first N          answer 503 to the first N deliveries\n"
    "  --fail-case Z           with --fail-first: count only deliveries for zaaknummer Z\n"
    "  --fail-rate R           answer 503 with probability R (0..1)\n"
    "  --delay-ms N            wait N ms before answering a delivery\n"
    "  --soap-fault K          WUS: answer a SOAP fault (HTTP 500), K = client (DK0050) or\n"
    "                          server (DK0051)\n"
    "  --bad-relates-to        WUS: accept, but answer with a wsa:RelatesTo that does not match\n"
    "  --bad-action            WUS: accept, but answer with a wsa:Action nobody expects\n"
    "  --actions P=URI,...     WUS: the request action of product P (instead of the\n"
    "                          urn:ketenhub:<partner>:<product>:<version> rule)\n"
    "  --response-actions P=URI,...\n"
    "                          WUS: the response action of product P (default: the request\n"
    "                          action + \"Response\")\n"
    "  --tls-profile P         ncsc-sufficient (default), ncsc-good; for negative tests only:\n"
    "                          legacy-cbc, tls11-only, tls12-only\n"
    "  --port-file F           write the port to F once listening\n"
    "Deliveries: POST to any path (e.g. /om/kennisgevingen); GET /healthz answers ok.\n"
    "WUS fault codes: see tools/partner_sim/wus_check.h.\n"
    "Logs: JSON lines on stderr.\n";

// Written to a temp file and renamed, so a polling script never reads a half-written port.
bool writePortFile(const std::string& path, uint16_t port) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = std::fprintf(f, "%u\n", static_cast<unsigned>(port)) > 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

// hub::log writes to stdout; the partner-sim keeps stdout for its one "listening" line and sends
// the log to stderr. Returns a stream on the original stdout.
std::FILE* moveLogToStderr() {
  std::fflush(stdout);
  int fd = ::dup(STDOUT_FILENO);
  if (fd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return nullptr;
  return ::fdopen(fd, "w");
}

}  // namespace

int partnerSimMain(const Args& args) {
  ArgParser p(
      args,
      {"--listen", "--cert", "--key", "--ca", "--partner", "--adapter", "--verify-ca", "--schemas",
       "--out", "--fail-rate", "--status", "--delay-ms", "--fail-first", "--fail-case",
       "--tls-profile", "--port-file", "--soap-fault", "--actions", "--response-actions"},
      {"--no-verify-signature", "--bad-relates-to", "--bad-action", "--quiet", "--help"});
  if (!p.ok()) return usage("partner-sim: " + p.error());
  if (p.has("--help")) {
    std::cout << kSimUsage;
    return 0;
  }
  if (!p.positionals().empty()) {
    return usage("partner-sim: unexpected argument '" + p.positionals()[0] + "'");
  }
  std::map<std::string, std::string> values;
  for (const char* flag :
       {"--listen", "--cert", "--key", "--ca", "--partner", "--adapter", "--verify-ca", "--schemas",
        "--out", "--fail-rate", "--status", "--delay-ms", "--fail-first", "--fail-case",
        "--tls-profile", "--port-file", "--soap-fault", "--actions", "--response-actions"}) {
    if (auto v = p.get(flag)) values[flag] = *v;
  }
  if (p.has("--quiet")) hub::log::setMinLevel(hub::log::Level::kWarn);
  auto opts = sim::buildSimOptions(values, p.has("--no-verify-signature"),
                                   p.has("--bad-relates-to"), p.has("--bad-action"));
  if (!opts) return usage("partner-sim: " + opts.error().message);

  std::signal(SIGPIPE, SIG_IGN);
  std::FILE* announce = moveLogToStderr();
  if (announce == nullptr) return fail("partner-sim: cannot set up stdout/stderr");

  tls::ServerTlsOptions tls_options{opts->cert_path, opts->key_path, opts->ca_path,
                                    opts->tls_profile, /*allow_test_profiles=*/true};
  auto tls_ctx = tls::makeServerContext(tls_options);
  if (!tls_ctx) return fail("partner-sim: " + tls_ctx.error().message);

  auto checker = sim::ContentChecker::create(
      {opts->partner, opts->verify_signature ? opts->verify_ca_path : "", opts->schemas_dir});
  if (!checker) return fail("partner-sim: " + checker.error().message);

  std::unique_ptr<sim::ReceivedStore> store;
  if (!opts->out_dir.empty()) {
    auto s = sim::ReceivedStore::open(opts->out_dir);
    if (!s) return fail("partner-sim: " + s.error().message);
    store = std::move(*s);
  }

  std::mutex random_mu;
  std::mt19937_64 random_engine{std::random_device{}()};
  sim::PartnerSimDeps deps;
  deps.checker = checker->get();
  deps.sink = store.get();
  deps.random01 = [&] {
    std::lock_guard<std::mutex> lock(random_mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(random_engine);
  };
  deps.sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
  deps.now = [] { return std::chrono::system_clock::now(); };
  const auto protocol =
      opts->adapter == "digikoppeling-wus" ? sim::SimProtocol::kWus : sim::SimProtocol::kRestXml;
  sim::PartnerSim partner_sim(opts->partner, opts->faults, std::move(deps), protocol,
                              opts->wus_actions);

  auto server = sim::HttpsServer::listen(
      {opts->host, opts->port}, std::move(*tls_ctx),
      [&partner_sim](const sim::SimRequest& req, const sim::PeerInfo& peer) {
        return partner_sim.handle(req, peer);
      });
  if (!server) return fail("partner-sim: " + server.error().message);
  uint16_t port = (*server)->port();
  if (!opts->port_file.empty() && !writePortFile(opts->port_file, port)) {
    return fail("partner-sim: cannot write port file " + opts->port_file);
  }
  if (!opts->verify_signature) {
    log::warn("signature verification disabled (--no-verify-signature)");
  }
  log::info("partner-sim started", {{"listen", opts->host + ":" + std::to_string(port)},
                                    {"partner", opts->partner},
                                    {"adapter", opts->adapter},
                                    {"tls_profile", opts->tls_profile},
                                    {"verify_signature", opts->verify_signature ? "true" : "false"},
                                    {"verify_ca", opts->verify_ca_path},
                                    {"schemas", opts->schemas_dir},
                                    {"out", opts->out_dir}});
  std::string host =
      opts->host.find(':') != std::string::npos ? "[" + opts->host + "]" : opts->host;
  std::fprintf(announce, "partner-sim listening on %s:%u\n", host.c_str(),
               static_cast<unsigned>(port));
  std::fflush(announce);

  (*server)->run();
  log::info("partner-sim stopped", {{"deliveries", partner_sim.deliveryRequests()}});
  std::fclose(announce);
  return 0;
}

}  // namespace hub::app
