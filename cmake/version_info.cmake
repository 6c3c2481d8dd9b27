# Writes OUT (a .cc) with the version and the git commit of SOURCE_DIR; run at every build by the
# ketenhub_version target (cmake -P), rewritten only when the text changes. "unknown" outside git.
# (No "-dirty" check: it would refresh the index of a working tree others may be using.)
execute_process(
  COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE commit
  OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rc
  ERROR_QUIET)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
endif()
set(text "#include \"hub/app/version.h\"\n\nnamespace hub::app {\n\nstd::string_view versionNumber() { return \"${VERSION}\"; }\nstd::string_view gitCommit() { return \"${commit}\"; }\n\n}  // namespace hub::app\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
