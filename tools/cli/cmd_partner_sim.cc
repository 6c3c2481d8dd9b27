// ketenhub partner-sim: a chain partner's HTTPS endpoint for the demo, tests and benchmarks.
// Checks the client certificate (mutual TLS), the headers, the XML-DSig and the schema,
// stores what it accepted and injects faults. Wiring only: the logic is in hub/sim.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "hub/app/exit_status.h"
#include "hub/log/log.h"
#include "hub/tls/testing/server_context.h"
#include "tools/cli/commands.h"
#include "tools/partner_sim/content_checker.h"
#include "tools/partner_sim/https_server.h"
#include "tools/partner_sim/partner_sim.h"
#include "tools/partner_sim/received_store.h"
#include "tools/partner_sim/sim_options.h"

namespace hub::app {
namespace {

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

int partnerSimMain(const sim::SimOptions& opts, bool quiet) {
  if (quiet) hub::log::setMinLevel(hub::log::Level::kWarn);

  std::signal(SIGPIPE, SIG_IGN);
  std::FILE* announce = moveLogToStderr();
  if (announce == nullptr) return fail("partner-sim: cannot set up stdout/stderr");

  tls::ServerTlsOptions tls_options{opts.cert_path, opts.key_path, opts.ca_path, opts.tls_profile,
                                    /*allow_test_profiles=*/true};
  auto tls_ctx = tls::makeServerContext(tls_options);
  if (!tls_ctx) return fail("partner-sim: " + tls_ctx.error().message);

  auto checker = sim::ContentChecker::create(
      {opts.partner, opts.verify_signature ? opts.verify_ca_path : "", opts.schemas_dir});
  if (!checker) return fail("partner-sim: " + checker.error().message);

  std::unique_ptr<sim::ReceivedStore> store;
  if (!opts.out_dir.empty()) {
    auto s = sim::ReceivedStore::open(opts.out_dir);
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
      opts.adapter == "digikoppeling-wus" ? sim::SimProtocol::kWus : sim::SimProtocol::kRestXml;
  sim::PartnerSim partner_sim(opts.partner, opts.faults, std::move(deps), protocol,
                              opts.wus_actions);

  auto server = sim::HttpsServer::listen(
      {opts.host, opts.port}, std::move(*tls_ctx),
      [&partner_sim](const sim::SimRequest& req, const sim::PeerInfo& peer) {
        return partner_sim.handle(req, peer);
      });
  if (!server) return fail("partner-sim: " + server.error().message);
  uint16_t port = (*server)->port();
  if (!opts.port_file.empty() && !writePortFile(opts.port_file, port)) {
    return fail("partner-sim: cannot write port file " + opts.port_file);
  }
  if (!opts.verify_signature) {
    log::warn("signature verification disabled (--no-verify-signature)");
  }
  log::info("partner-sim started", {{"listen", opts.host + ":" + std::to_string(port)},
                                    {"partner", opts.partner},
                                    {"adapter", opts.adapter},
                                    {"tls_profile", opts.tls_profile},
                                    {"verify_signature", opts.verify_signature ? "true" : "false"},
                                    {"verify_ca", opts.verify_ca_path},
                                    {"schemas", opts.schemas_dir},
                                    {"out", opts.out_dir}});
  std::string host = opts.host.find(':') != std::string::npos ? "[" + opts.host + "]" : opts.host;
  std::fprintf(announce, "partner-sim listening on %s:%u\n", host.c_str(),
               static_cast<unsigned>(port));
  std::fflush(announce);

  (*server)->run();
  log::info("partner-sim stopped", {{"deliveries", partner_sim.deliveryRequests()}});
  std::fclose(announce);
  return 0;
}

}  // namespace hub::app
