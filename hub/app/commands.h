#pragma once
// One entry point per command, called with its parsed options (the parsers: cli_*_commands.cc,
// tools/cli/*_cli.cc). Each returns the process exit code (0 ok, 1 failure with a one-line
// reason on stderr, 2 usage error).
#include <map>
#include <string>

namespace hub::app {

// run --config hub.yaml [--log-level L]: an empty log_level leaves it to log.level in hub.yaml.
struct RunOptions {
  std::string config_file, log_level;
};
int runMain(const RunOptions& o);
int configCheckMain(const std::string& config_file);  // config check --config hub.yaml

// route test --config hub.yaml EVENT.json: an empty field was not given.
struct RouteTestOptions {
  std::string config_file, event_file;
  std::string event_type, partner, out_dir, message_id, case_id, actor, sent_at;
  std::string content_type = "application/json";
};
int routeTestMain(const RouteTestOptions& o);

int verifyMain(const std::string& file, const std::string& ca_file);  // verify FILE --ca CA.pem

// audit verify | audit export: the trail's directory from --dir, else the config's audit.dir.
struct AuditOptions {
  std::string config_file, dir;
  std::string case_id, out_file;  // export
  bool json = false;              // verify
};
int auditVerifyMain(const AuditOptions& o);
int auditExportMain(const AuditOptions& o);

// Operator commands against a running hub's admin API (cmd_operator.cc).
struct AdminOptions {
  std::string admin_url;   // empty: $KETENHUB_ADMIN, else the default
  std::string token_file;  // empty: $KETENHUB_TOKEN
  std::string ca_file;
};
// Query filters by API name (partner, product, event_type, case, limit, cursor); empty: not given.
using Filters = std::map<std::string, std::string>;
int statusMain(const AdminOptions& a);
int dlqListMain(const AdminOptions& a, const Filters& f);
int dlqShowMain(const AdminOptions& a, const std::string& id);
int dlqReplayMain(const AdminOptions& a, const std::string& id);
int dlqReplayAllMain(const AdminOptions& a, const Filters& f, const std::string& rate);
int quarantineListMain(const AdminOptions& a, const Filters& f);
int quarantineShowMain(const AdminOptions& a, const std::string& id);
int quarantineReplayMain(const AdminOptions& a, const std::string& id);

}  // namespace hub::app
