#include "adapters/amqp/connect_intake.h"

#include <exception>
#include <proton/connection_options.hpp>
#include <proton/reconnect_options.hpp>
#include <proton/ssl.hpp>
#include <vector>

#include "adapters/amqp/amqp_url.h"
#include "adapters/amqp/client_options.h"
#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::amqp {

ConnectIntake::ConnectIntake(const ConnectSource& src, const IntakeConfig& cfg, IntakeSink& sink,
                             std::chrono::milliseconds ready_poll)
    : src_(src),
      core_(ReceiverCoreOptions{src.name, src.address, cfg.max_message_bytes, cfg.credit_window,
                                /*open_receiver=*/true, ready_poll},
            sink) {}

ConnectIntake::~ConnectIntake() { stop(); }

Result<void> ConnectIntake::start() {
  if (thread_.joinable()) return unexpected(errc::kConfig, "connect intake already started");
  if (src_.urls.empty()) return unexpected(errc::kConfig, "connect source has no urls");
  bool tls = !src_.tls_ca.empty() || !src_.tls_cert.empty();
  std::vector<std::string> urls;
  for (const auto& u : src_.urls) {
    auto cu = connectUrl(u, &tls);
    if (!cu) return unexpected(cu.error());
    urls.push_back(*cu);
  }
  const std::string primary = urls.front();
  const std::vector<std::string> failover(urls.begin() + 1, urls.end());

  proton::connection_options opts;
  try {
    opts.handler(core_);
    opts.max_frame_size(kIntakeMaxFrameBytes);
    proton::reconnect_options ro;
    ro.delay(proton::duration(src_.reconnect_initial.count()));
    ro.max_delay(proton::duration(src_.reconnect_max.count()));
    ro.delay_multiplier(2.0f);
    ro.max_attempts(0);  // forever
    opts.reconnect(ro);
    if (!failover.empty()) opts.failover_urls(failover);
  } catch (const std::exception& e) {
    return unexpected(errc::kConfig, std::string("connect reconnect options: ") + e.what());
  }
  if (auto r = applyClientSecurity(
          opts, {src_.user, src_.password_file, src_.tls_ca, src_.tls_cert, src_.tls_key}, tls,
          "connect");
      !r)
    return unexpected(r.error());

  container_ = std::make_unique<proton::container>(core_, "ketenhub-" + src_.name);
  core_.setStartHook([this, primary, opts](proton::container& c) {
    try {
      c.connect(primary, opts);
    } catch (const std::exception& e) {
      log::error("amqp connect failed", {{"source", src_.name}, {"error", e.what()}});
    }
  });
  thread_ = std::thread([this] {
    nameThisThread("kh-amqp-connect");
    try {
      container_->run();
    } catch (const std::exception& e) {
      log::error("amqp connect container ended", {{"source", src_.name}, {"error", e.what()}});
    }
  });
  log::info(
      "amqp connecting",
      {{"source", src_.name}, {"address", src_.address}, {"urls", static_cast<int>(urls.size())}});
  return {};
}

void ConnectIntake::stop() {
  if (!thread_.joinable()) return;
  core_.shutdown();
  // Stop from the container's own thread: a cross-thread container::stop() can race a connection
  // that is just finishing and leave run() waiting forever (seen with Proton 0.37).
  proton::container* c = container_.get();
  c->schedule(proton::duration(0), [c] { c->stop(); });
  thread_.join();
  container_.reset();
}

}  // namespace hub::amqp
