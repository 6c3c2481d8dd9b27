#pragma once
// What every command's parser definition shares: the command the parse chose, the runtimes it
// needs, and one help layout (usage line first, then the description, options and footer).
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

namespace hub::app {

// Library runtimes a command needs; main.cc initialises only those, after the parse.
enum class Runtimes { kNone, kCurl, kAll };

struct ChosenCommand {
  std::function<int()> run;  // empty until a command's callback ran
  Runtimes needs = Runtimes::kAll;
};

// The help layout: "usage: ketenhub ..." first, then the description, positionals, options,
// subcommands and the footer.
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter();
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override;
  // " TYPE (required)"; positionals show no type (the usage line names them). Conditions
  // between options are told in the descriptions.
  std::string make_option_opts(const CLI::Option* opt) const override;
};

// A validator that adds nothing to the option's type name in --help ("N", not "N:POSITIVE").
inline CLI::Validator unnamed(CLI::Validator v) {
  v.description("");
  return v;
}

// The last line of every command's help.
inline constexpr const char* kExitCodes =
    "Exit codes: 0 ok, 1 failure (one-line reason on stderr), 2 usage error.";

// A subcommand of parent with the shared layout; `-h,--help` is inherited; the footer is
// kExitCodes.
CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& description);

// Puts text (lines, no final newline) above the command's footer.
void addFooter(CLI::App* sub, const std::string& text);

// Sets chosen to run fn(*opts) with needs when the parse completes in sub.
template <class Opts, class Fn>
void chooseOnParse(CLI::App* sub, ChosenCommand& chosen, Runtimes needs, std::shared_ptr<Opts> opts,
                   Fn fn) {
  sub->callback([&chosen, needs, opts, fn] {
    chosen.run = [opts, fn] { return fn(*opts); };
    chosen.needs = needs;
  });
}

// The parser definitions, one function per command family (cli_*_commands.cc, tools/cli).
void addHubCommands(CLI::App& app, ChosenCommand& chosen);        // run, config, route, verify
void addAuditCommands(CLI::App& app, ChosenCommand& chosen);      // audit verify|export
void addOperatorCommands(CLI::App& app, ChosenCommand& chosen);   // status, dlq, quarantine
void addSendCommand(CLI::App& app, ChosenCommand& chosen);        // tools/cli/send_cli.cc
void addPartnerSimCommand(CLI::App& app, ChosenCommand& chosen);  // tools/cli/partner_sim_cli.cc

}  // namespace hub::app
