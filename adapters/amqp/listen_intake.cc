#include "adapters/amqp/listen_intake.h"

#include <exception>
#include <proton/connection_options.hpp>
#include <proton/listen_handler.hpp>
#include <proton/listener.hpp>
#include <proton/ssl.hpp>

#include "adapters/amqp/proton_ssl_domain.h"
#include "hub/config/endpoint.h"
#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/tls/tls_profile.h"

namespace hub::amqp {
namespace {

constexpr std::chrono::seconds kOpenTimeout{10};

std::string joinMechs(const std::vector<std::string>& mechs) {
  if (mechs.empty()) return "ANONYMOUS";
  std::string out;
  for (const auto& m : mechs) out += (out.empty() ? "" : " ") + m;
  return out;
}

}  // namespace

// Reports the listener's fate back to start(). Proton thread only.
class ListenIntake::Listening : public proton::listen_handler {
 public:
  explicit Listening(ListenIntake& owner) : owner_(owner) {}
  void on_open(proton::listener& l) override {
    owner_.port_.store(l.port());
    owner_.listening_.store(true);
    finish("");
  }
  void on_error(proton::listener&, const std::string& what) override { finish(what); }
  void on_close(proton::listener&) override { owner_.listening_.store(false); }

 private:
  void finish(const std::string& error) {
    std::lock_guard<std::mutex> lock(owner_.mu_);
    if (owner_.open_done_) return;
    owner_.open_done_ = true;
    owner_.open_error_ = error.empty() ? "" : error;
    owner_.cv_.notify_all();
  }
  ListenIntake& owner_;
};

ListenIntake::ListenIntake(const ListenSource& src, const IntakeConfig& cfg, IntakeSink& sink,
                           std::chrono::milliseconds ready_poll)
    : src_(src),
      core_(ReceiverCoreOptions{src.name, src.address, cfg.max_message_bytes, cfg.credit_window,
                                /*open_receiver=*/false, ready_poll},
            sink) {}

ListenIntake::~ListenIntake() { stop(); }

Result<void> ListenIntake::start() {
  if (thread_.joinable()) return unexpected(errc::kConfig, "listen intake already started");
  auto url = config::parseAmqpListenUrl(src_.url);
  if (!url) return unexpected(errc::kConfig, "listen URL: " + url.error().message);
  const std::string addr = url->endpoint.hostPort();

  proton::connection_options server;
  try {
    server.handler(core_);
    server.max_frame_size(kIntakeMaxFrameBytes);
    server.sasl_enabled(true);
    server.sasl_allowed_mechs(joinMechs(src_.sasl_mechanisms));
    server.sasl_allow_insecure_mechs(false);  // PLAIN only over TLS
    if (url->tls || !src_.tls_cert.empty()) {
      if (src_.tls_cert.empty() || src_.tls_key.empty())
        return unexpected(errc::kTls, "amqps listener needs tls_cert and tls_key");
      proton::ssl_certificate cert(src_.tls_cert, src_.tls_key);
      // With a CA configured, client certificates are required (SASL EXTERNAL).
      const proton::ssl_server_options server_tls =
          src_.tls_ca.empty() ? proton::ssl_server_options(cert)
                              : proton::ssl_server_options(cert, src_.tls_ca, src_.tls_ca,
                                                           proton::ssl::VERIFY_PEER);
      // The handshake offers only the profile; receiver_core checks each session once more.
      auto ctx = serverSslContext(server_tls);
      if (!ctx) return unexpected(ctx.error());
      auto narrowed = tls::applyProfile(*ctx, kIntakeTlsProfile, tls::Role::kServer);
      if (!narrowed) return unexpected(errc::kTls, "amqps listener: " + narrowed.error().message);
      server.ssl_server_options(server_tls);
    }
  } catch (const std::exception& e) {
    return unexpected(errc::kTls, std::string("listener TLS/SASL options: ") + e.what());
  }

  handler_ = std::make_unique<Listening>(*this);
  container_ = std::make_unique<proton::container>(core_, "ketenhub-" + src_.name);
  container_->server_connection_options(server);
  container_->receiver_options(proton::receiver_options().auto_accept(false).credit_window(0));
  core_.setStartHook([this, addr](proton::container& c) {
    try {
      c.listen(addr, *handler_);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu_);
      open_done_ = true;
      open_error_ = e.what();
      cv_.notify_all();
    }
  });
  thread_ = std::thread([this] {
    nameThisThread("kh-amqp-listen");
    try {
      container_->run();
    } catch (const std::exception& e) {
      log::error("amqp listen container ended", {{"source", src_.name}, {"error", e.what()}});
    }
    listening_.store(false);
    std::lock_guard<std::mutex> lock(mu_);
    if (!open_done_) {
      open_done_ = true;
      open_error_ = "container stopped before the listener opened";
    }
    cv_.notify_all();
  });

  std::string error;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, kOpenTimeout, [this] { return open_done_; }))
      open_error_ = "timed out opening the listener";
    error = open_error_;
  }
  if (!error.empty()) {
    stop();
    return unexpected(errc::kIo, "cannot listen on " + addr + ": " + error);
  }
  log::info("amqp listening",
            {{"source", src_.name}, {"port", port_.load()}, {"address", src_.address}});
  return {};
}

void ListenIntake::stop() {
  if (!thread_.joinable()) return;
  core_.shutdown();
  // Stop from the container's own thread: a cross-thread container::stop() can race a connection
  // that is just finishing and leave run() waiting forever (seen with Proton 0.37).
  proton::container* c = container_.get();
  c->schedule(proton::duration(0), [c] { c->stop(); });
  thread_.join();
  listening_.store(false);
  container_.reset();
  handler_.reset();
}

}  // namespace hub::amqp
