// ketenhub audit verify | export --case Z: the audit trail read back from its day files (works
// while the hub runs, and without it). The directory comes from --config hub.yaml (audit.dir)
// or --dir.
#include <fstream>
#include <iostream>

#include "hub/app/args.h"
#include "hub/app/commands.h"
#include "hub/app/runtime_loader.h"
#include "hub/audit/trail_reader.h"
#include "hub/core/time_source.h"

namespace hub::app {
namespace {

std::optional<std::string> auditDir(const ArgParser& p, int& code) {
  if (auto dir = p.get("--dir")) return *dir;
  auto file = p.get("--config");
  if (!file) {
    code = usage("audit needs --config hub.yaml or --dir DIR");
    return std::nullopt;
  }
  std::vector<std::string> errors;
  auto cfg = loadConfigOnly(*file, errors);
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

int verify(const ArgParser& p) {
  int code = 0;
  auto dir = auditDir(p, code);
  if (!dir) return code;
  auto rep = audit::walkTrail(*dir, nullptr);
  if (!rep) return fail(rep.error().message);
  if (p.has("--json")) std::cout << boost::json::serialize(audit::reportJson(*rep)) << "\n";
  if (!rep->ok()) return fail(brokenLine(*rep));
  if (!p.has("--json")) {
    std::cout << "audit trail intact: " << rep->records << " records (" << rep->first_seq << ".."
              << rep->last_seq << ") in " << rep->files << " day file(s)";
    if (!rep->anchor.empty()) std::cout << ", starting at retention's anchor " << rep->anchor;
    std::cout << "\n";
  }
  return 0;
}

int exportCase(const ArgParser& p) {
  auto case_id = p.get("--case");
  if (!case_id || case_id->empty()) return usage("audit export needs --case ZAAKNUMMER");
  int code = 0;
  auto dir = auditDir(p, code);
  if (!dir) return code;
  auto out = audit::exportCase(*dir, *case_id, SystemTimeSource().nowMs());
  if (!out) return fail(out.error().message);
  std::string text = boost::json::serialize(*out) + "\n";
  if (auto file = p.get("--out")) {
    std::ofstream f(*file, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) return fail("cannot write " + *file);
  } else {
    std::cout << text;
  }
  const auto& chain = out->at("chain").as_object();
  if (!chain.at("intact").as_bool())
    return fail("exported, but the chain is broken: run `ketenhub audit verify`");
  return 0;
}

}  // namespace

int auditMain(const Args& args) {
  if (args.empty()) return usage("audit verify | audit export --case Z");
  std::string sub = args.front();
  Args rest(args.begin() + 1, args.end());
  ArgParser p(rest, {"--config", "--dir", "--case", "--out"}, {"--json"});
  if (!p.ok()) return usage(p.error());
  if (sub == "verify") return verify(p);
  if (sub == "export") return exportCase(p);
  return usage("unknown audit command '" + sub + "' (verify, export)");
}

}  // namespace hub::app
