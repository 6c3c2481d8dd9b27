#include "hub/app/cli_layout.h"

#include <sstream>

namespace hub::app {

HelpFormatter::HelpFormatter() {
  label("Usage", "usage");
  label("Positionals", "arguments");
  label("Options", "options");
  label("Subcommands", "commands");
  label("SUBCOMMAND", "COMMAND");
  label("REQUIRED", "(required)");
  column_width(34);
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string name,
                                     CLI::AppFormatMode mode) const {
  if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
  std::ostringstream out;
  out << make_usage(app, name);
  out << make_description(app);
  out << make_positionals(app);
  out << make_groups(app, mode);
  out << make_subcommands(app, mode);
  out << "\n" << make_footer(app);
  std::string text = out.str();
  while (text.size() > 1 && text[text.size() - 1] == '\n' && text[text.size() - 2] == '\n')
    text.pop_back();
  return text;
}

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  std::string out;
  if (opt->get_type_size() != 0 && !opt->get_positional()) {
    const std::string type = opt->get_type_name();
    if (!type.empty()) out += " " + type;
  }
  if (opt->get_required()) out += " " + get_label("REQUIRED");
  return out;
}

CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->group("commands");
  sub->get_help_ptr()->group("options");
  sub->footer(kExitCodes);
  return sub;
}

void addFooter(CLI::App* sub, const std::string& text) {
  sub->footer(text + "\n" + sub->get_footer());
}

}  // namespace hub::app
