#pragma once
// IntakeService: the hub's IntakeSink. Runs the pure intake decision on the calling (Proton)
// thread, hands the record to the store, and reports `done(true)` only after the commit.
#include <atomic>
#include <mutex>

#include "hub/engine/runtime.h"
#include "hub/engine/scheduler.h"
#include "hub/pipeline/intake.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::engine {

class IntakeService final : public IntakeSink {
 public:
  IntakeService(RuntimeConstSharedPtr rt, Store& store, Scheduler& scheduler, stats::Stats& stats);
  void submit(Envelope env, std::function<void(bool committed)> done) override;
  bool ready() const override { return store_.writable(); }
  void setRuntime(RuntimeConstSharedPtr rt);

 private:
  RuntimeConstSharedPtr runtime() const;
  Store& store_;
  Scheduler& scheduler_;
  stats::Stats& stats_;
  mutable std::mutex mu_;  // guards rt_
  RuntimeConstSharedPtr rt_;
};

}  // namespace hub::engine
