#pragma once
// The partner-sim's Sink on disk: <out>/<delivery_id>.xml written atomically (temp file + rename)
// and one line per accepted request appended to <out>/received.jsonl (flushed per line).
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "tools/partner_sim/partner_sim.h"

namespace hub::sim {

class ReceivedStore final : public Sink {
 public:
  // Creates the directory if needed and opens received.jsonl for appending.
  static Result<std::unique_ptr<ReceivedStore>> open(const std::string& dir);
  ~ReceivedStore() override;
  ReceivedStore(const ReceivedStore&) = delete;
  ReceivedStore& operator=(const ReceivedStore&) = delete;

  // record.delivery_id must be a safe file name (checked by checkRestXmlHeaders).
  Result<void> store(const ReceivedRecord& record, std::string_view body) override;

 private:
  ReceivedStore(std::string dir, std::FILE* jsonl) : dir_(std::move(dir)), jsonl_(jsonl) {}

  const std::string dir_;
  std::mutex mu_;
  std::FILE* jsonl_;          // Guarded by mu_
  uint64_t tmp_counter_ = 0;  // Guarded by mu_
};

}  // namespace hub::sim
