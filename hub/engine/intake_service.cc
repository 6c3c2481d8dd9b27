#include "hub/engine/intake_service.h"

#include "hub/engine/intake_processor.h"
#include "hub/log/log.h"

namespace hub::engine {

IntakeService::IntakeService(RuntimeConstSharedPtr rt, Store& store, Scheduler& scheduler,
                             stats::Stats& stats)
    : store_(store), scheduler_(scheduler), stats_(stats), rt_(std::move(rt)) {}

RuntimeConstSharedPtr IntakeService::runtime() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rt_;
}

void IntakeService::setRuntime(RuntimeConstSharedPtr rt) {
  std::lock_guard<std::mutex> lock(mu_);
  rt_ = std::move(rt);
}

void IntakeService::submit(Envelope env, std::function<void(bool committed)> done) {
  auto rt = runtime();
  IntakeRecord rec = processEnvelope(*rt, std::move(env));
  // The metric label: a configured event type, or "other" (a sender must not be able to create
  // a series per made-up type).
  std::string event_type = rt->cfg->findRoute(rec.env.event_type) ? rec.env.event_type : "other";
  std::string message_id = rec.env.message_id;
  std::string reason = rec.reason;
  // The store keeps the body only; the workers get the XML form from the scheduler's cache.
  std::shared_ptr<const std::string> form;
  if (!rec.quarantined) form = std::make_shared<const std::string>(std::move(rec.event_xml));
  store_.submitIntake(std::move(rec), [this, done = std::move(done), event_type, message_id, reason,
                                       form = std::move(form)](Result<IntakeStatus> r) {
    if (!r) {
      log::error("event not committed; left unsettled for redelivery",
                 {{"message_id", message_id}, {"reason", r.error().message}});
      done(false);
      return;
    }
    switch (*r) {
      case IntakeStatus::kStored:
        stats_.eventReceived(event_type, "accepted");
        if (form) scheduler_.rememberEventForm(message_id, form);
        scheduler_.notify();
        break;
      case IntakeStatus::kDuplicate:
        stats_.eventReceived(event_type, "duplicate");
        log::info("duplicate event", {{"message_id", message_id}});
        break;
      case IntakeStatus::kQuarantined:
        stats_.eventReceived(event_type, "quarantined");
        log::warn("event quarantined", {{"message_id", message_id}, {"reason", reason}});
        break;
    }
    done(true);
  });
}

}  // namespace hub::engine
