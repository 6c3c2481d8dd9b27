#pragma once
// The tools shipped in the binary, called with their parsed options (the parsers: send_cli.cc,
// partner_sim_cli.cc). Exit codes: 0 ok, 1 failure, 2 usage error.
#include <set>
#include <string>

#include "tools/partner_sim/sim_options.h"

namespace hub::app {

// `ketenhub send`: a test producer.
struct SendOptions {
  std::string file, url, address, event_type, case_id, actor;
  std::string message_id, correlation_id, content_type = "application/json";
  std::string user, password_file;
  std::string ca, cert, key;  // amqps
  int count = 1;
  int window = 500;
  double rate = 0;  // messages per second, 0 = unlimited
  bool no_message_id = false;
  std::set<std::string> omit;
};
int sendMain(const SendOptions& o);

// `ketenhub partner-sim`: a chain partner's HTTPS endpoint; quiet logs warnings and errors only.
int partnerSimMain(const sim::SimOptions& opts, bool quiet);

}  // namespace hub::app
