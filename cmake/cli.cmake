# The command line's build-time pieces, included after the ketenhub target: CLI11, the version
# and git commit compiled into `ketenhub --version`, and the man page generated from `--help`.
target_link_libraries(ketenhub PRIVATE CLI11::CLI11)

# The commit is read at every build (cheap), the file rewritten only when it changed.
set(version_cc ${CMAKE_BINARY_DIR}/generated/version_info.cc)
set(version_args -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DVERSION=${PROJECT_VERSION} -DOUT=${version_cc}
    -P ${CMAKE_SOURCE_DIR}/cmake/version_info.cmake)
execute_process(COMMAND ${CMAKE_COMMAND} ${version_args})
add_custom_target(ketenhub_version COMMAND ${CMAKE_COMMAND} ${version_args}
  BYPRODUCTS ${version_cc} VERBATIM)
target_sources(ketenhub PRIVATE ${version_cc})
add_dependencies(ketenhub ketenhub_version)

# build/ketenhub.1: `ketenhub --help` and every command's --help (tools/cli/man-page.sh).
find_program(HELP2MAN help2man)
if(HELP2MAN)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/ketenhub.1
    COMMAND bash ${CMAKE_SOURCE_DIR}/tools/cli/man-page.sh $<TARGET_FILE:ketenhub> ${HELP2MAN}
            ${CMAKE_BINARY_DIR}/ketenhub.1
    DEPENDS ketenhub ${CMAKE_SOURCE_DIR}/tools/cli/man-page.sh
            ${CMAKE_SOURCE_DIR}/tools/cli/command-paths.sh
    COMMENT "Generating the man page ketenhub.1 (help2man)" VERBATIM)
  add_custom_target(ketenhub_man ALL DEPENDS ${CMAKE_BINARY_DIR}/ketenhub.1)
else()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
endif()
