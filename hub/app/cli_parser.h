#pragma once
// The command line of `ketenhub`, parsed by CLI11: every command, its options and its --help.
#include <string>

#include "hub/app/cli_layout.h"

namespace hub::app {

// Either a command to run, or the exit code when there is nothing to run: 0 after --help or
// --version (printed on stdout), 2 after a usage error (one line on stderr).
struct ParseOutcome {
  ChosenCommand command;
  int exit_code = 0;
  bool run() const { return static_cast<bool>(command.run); }
};

ParseOutcome parseCommandLine(int argc, const char* const* argv);

}  // namespace hub::app
