// ketenhub: one binary, subcommands (hub/app/cli_parser.h parses them). Library runtimes are
// initialised once here, after the parse and only for the commands that need them, in order
// (libxml2 + libxslt security prefs, xmlsec, curl), and torn down in reverse.
#include <optional>

#include "hub/app/cli_parser.h"
#include "hub/curl/curl_global.h"
#include "hub/dsig/dsig_runtime.h"
#include "hub/xml/xml_runtime.h"

int main(int argc, char** argv) {
  using hub::app::Runtimes;
  hub::app::ParseOutcome parsed = hub::app::parseCommandLine(argc, argv);
  if (!parsed.run()) return parsed.exit_code;
  const Runtimes needs = parsed.command.needs;
  std::optional<hub::xml::XmlRuntime> xml_runtime;
  std::optional<hub::dsig::DsigRuntime> dsig_runtime;
  if (needs == Runtimes::kAll) {
    xml_runtime.emplace();
    dsig_runtime.emplace();
  }
  std::optional<hub::curl::CurlGlobal> curl_global;
  if (needs != Runtimes::kNone) curl_global.emplace();
  return parsed.command.run();
}
