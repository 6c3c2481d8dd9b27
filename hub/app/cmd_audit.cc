// ketenhub audit verify | export --case Z: the audit trail read back from its day files (works
// while the hub runs, and without it). The directory comes from --config hub.yaml (audit.dir)
// or --dir.
#include <fstream>
#include <iostream>

#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/app/runtime_loader.h"
#include "hub/audit/trail_reader.h"
#include "hub/core/time_source.h"

namespace hub::app {
namespace {

std::optional<std::string> auditDir(const AuditOptions& o, int& code) {
  if (!o.dir.empty()) return o.dir;
  if (o.config_file.empty()) {
    code = usage("audit needs --config hub.yaml or --dir DIR");
    return std::nullopt;
  }
  std::vector<std::string> errors;
  auto cfg = loadConfigOnly(o.config_file, errors);
  if (!cfg) {
    for (const auto& e : errors) std::cerr << "error: " << e << "\n";
    code = fail(cfg.error().message);
    return std::nullopt;
  }
  return (*cfg)->audit.dir;
}

std::string brokenLine(const audit::VerifyReport& r) {
  return "broken at record " + std::to_string(r.seq) + " (" + r.file + " line " +
         std::to_string(r.line) + "): " + r.why;
}

}  // namespace

int auditVerifyMain(const AuditOptions& o) {
  int code = 0;
  auto dir = auditDir(o, code);
  if (!dir) return code;
  auto rep = audit::walkTrail(*dir, nullptr);
  if (!rep) return fail(rep.error().message);
  if (o.json) std::cout << boost::json::serialize(audit::reportJson(*rep)) << "\n";
  if (!rep->ok()) return fail(brokenLine(*rep));
  if (!o.json) {
    std::cout << "audit trail intact: " << rep->records << " records (" << rep->first_seq << ".."
              << rep->last_seq << ") in " << rep->files << " day file(s)";
    if (!rep->anchor.empty()) std::cout << ", starting at retention's anchor " << rep->anchor;
    std::cout << "\n";
  }
  return 0;
}

int auditExportMain(const AuditOptions& o) {
  if (o.case_id.empty()) return usage("audit export needs --case ZAAKNUMMER");
  int code = 0;
  auto dir = auditDir(o, code);
  if (!dir) return code;
  auto out = audit::exportCase(*dir, o.case_id, SystemTimeSource().nowMs());
  if (!out) return fail(out.error().message);
  std::string text = boost::json::serialize(*out) + "\n";
  if (!o.out_file.empty()) {
    std::ofstream f(o.out_file, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) return fail("cannot write " + o.out_file);
  } else {
    std::cout << text;
  }
  const auto& chain = out->at("chain").as_object();
  if (!chain.at("intact").as_bool())
    return fail("exported, but the chain is broken: run `ketenhub audit verify`");
  return 0;
}

}  // namespace hub::app
