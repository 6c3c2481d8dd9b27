#include "hub/app/cli_parser.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <optional>
#include <vector>

#include "hub/app/exit_status.h"
#include "hub/app/version.h"

namespace hub::app {
namespace {

constexpr const char* kFooter = "Run `ketenhub COMMAND --help` for a command's options.";

void addVersionCommand(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub = addCommand(app, "version", "print the version and the git commit");
  sub->callback([&chosen] {
    chosen.run = [] {
      std::cout << versionLine() << "\n";
      return 0;
    };
    chosen.needs = Runtimes::kNone;
  });
}

std::unique_ptr<CLI::App> buildApp(ChosenCommand& chosen) {
  auto app = std::make_unique<CLI::App>(
      "ketenhub: delivers workflow events to chain partners as signed XML products", "ketenhub");
  app->formatter(std::make_shared<HelpFormatter>());
  // A repeated option: the last value counts (scripts append overrides to a base command).
  app->option_defaults()->group("options")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->set_help_flag("-h,--help", "print this help and exit");
  app->set_version_flag("--version", versionLine(), "print the version and the git commit, exit");
  app->require_subcommand(1);
  app->footer(std::string(kFooter) + "\n" + kExitCodes);
  addHubCommands(*app, chosen);
  addSendCommand(*app, chosen);
  addPartnerSimCommand(*app, chosen);
  addOperatorCommands(*app, chosen);
  addAuditCommands(*app, chosen);
  addVersionCommand(*app, chosen);
  return app;
}

// The deepest command the parse reached, and its path ("ketenhub dlq replay").
const CLI::App* deepest(const CLI::App& app, std::string& path) {
  path = app.get_name();
  const CLI::App* at = &app;
  for (;;) {
    auto subs = at->get_subcommands();
    if (subs.empty()) return at;
    at = subs.front();
    path += " " + at->get_name();
  }
}

// CLI11's message, or for a word that is no command under `at`, that.
std::string reason(const CLI::ParseError& e, const CLI::App& at) {
  const std::string what = e.what();
  const auto rest = at.remaining();
  if (what.find("subcommand is required") != std::string::npos && !rest.empty() &&
      rest.front().rfind("-", 0) != 0)
    return "unknown command '" + rest.front() + "'";
  return what;
}

// A bearer token is never taken as an argument (it would show in ps), and never echoed back.
std::optional<std::string> refusedArgument(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--token" || a.rfind("--token=", 0) == 0)
      return "--token is not accepted (a token on the command line shows in ps); use "
             "KETENHUB_TOKEN or --token-file F";
  return std::nullopt;
}

// "The following argument..." -> "the following argument..."; "FILE is required" stays.
std::string lowerFirst(std::string s) {
  if (s.size() > 1 && !std::isupper(static_cast<unsigned char>(s[1])))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

ParseOutcome parseCommandLine(int argc, const char* const* argv) {
  ParseOutcome out;
  auto app = buildApp(out.command);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {  // no command: the overview on stderr, a usage error
    std::cerr << app->help();
    out.exit_code = 2;
    return out;
  }
  if (args.front() == "help") {  // `ketenhub help [COMMAND...]` is `ketenhub [COMMAND...] --help`
    args.erase(args.begin());
    args.push_back("--help");
  }
  if (auto refused = refusedArgument(args)) {
    out.exit_code = usage(*refused);
    return out;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
  try {
    app->parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << app->help();
    out.command.run = nullptr;
    out.exit_code = 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    out.command.run = nullptr;
    out.exit_code = 0;
  } catch (const CLI::ParseError& e) {
    std::string path;
    const CLI::App* at = deepest(*app, path);
    std::cerr << path << ": " << lowerFirst(reason(e, *at)) << " (see " << path << " --help)\n";
    out.command.run = nullptr;
    out.exit_code = 2;
  }
  return out;
}

}  // namespace hub::app
