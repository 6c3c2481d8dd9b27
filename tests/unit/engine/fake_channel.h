#pragma once
// A scripted hub::Channel for engine tests: prepare() wraps the product, send() returns the next
// scripted outcome (the last one repeats) and records what it was given.
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "hub/pipeline/channel.h"

namespace hub::engine::testing {

class FakeChannel final : public Channel {
 public:
  explicit FakeChannel(std::string name,
                       std::vector<Outcome> script = {Outcome::delivered(200, "")})
      : name_(std::move(name)), script_(script.begin(), script.end()) {}

  Result<WireMessage> prepare(const ChannelInput& in) const override {
    WireMessage m;
    m.channel = name_;
    m.target = "fake:" + name_;
    m.body = "[" + name_ + "]" + in.signed_product;
    return m;
  }
  Outcome send(const ChannelInput& in, const WireMessage& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent.push_back(msg.body);
    inputs.push_back(in);
    Outcome o = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return o;
  }
  std::vector<std::string> sent;  // guarded by mu_ (read after the test's attempts)
  std::vector<ChannelInput> inputs;

 private:
  std::string name_;
  std::mutex mu_;
  std::deque<Outcome> script_;
};

}  // namespace hub::engine::testing
