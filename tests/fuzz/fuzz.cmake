# Included at the end of the top-level CMakeLists.txt when KETENHUB_FUZZ is ON (tests/fuzz/run.sh).
# - Needs clang (libFuzzer): CC=clang-16 CXX=clang++-16.
# - Every hub library is compiled with ASan + UBSan and libFuzzer's coverage instrumentation;
#   every target that existed before this file (the hub binary, unit tests, benchmarks) is taken
#   out of `all`, so a plain `cmake --build` builds only the fuzz targets and the libraries they
#   link. jemalloc is never linked into a fuzz target (run.sh also sets KETENHUB_JEMALLOC=OFF).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "KETENHUB_FUZZ needs clang (libFuzzer): configure with CXX=clang++-16")
endif()

set(KETENHUB_FUZZ_SANITIZERS "address,undefined" CACHE STRING "Sanitizers of the fuzz build")
set(fuzz_common_flags -fsanitize=${KETENHUB_FUZZ_SANITIZERS} -fno-sanitize-recover=all
  -fno-omit-frame-pointer)

get_property(fuzz_existing DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
foreach(t ${fuzz_existing})
  get_target_property(type ${t} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    continue()
  endif()
  set_target_properties(${t} PROPERTIES EXCLUDE_FROM_ALL TRUE)
  if(type STREQUAL "STATIC_LIBRARY")
    target_compile_options(${t} PRIVATE ${fuzz_common_flags} -fsanitize=fuzzer-no-link)
  endif()
endforeach()

# The admin server's Beast I/O loop is not fuzzed (admin_route only calls parseListenAddress in it),
# yet with ASan it is the slowest object of the build by far (about 65 CPU-seconds at -O1, 18 at
# -O0) and the build's critical path: -O0 for it.
set_source_files_properties(${CMAKE_SOURCE_DIR}/hub/admin/http_server.cc PROPERTIES
  COMPILE_OPTIONS -O0)

set(KETENHUB_FUZZ_TARGETS "")
# fuzz_<name> from tests/fuzz/<name>_fuzz.cc, linked against the given hub libraries.
function(hub_fuzz_target name)
  set(target fuzz_${name})
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/${name}_fuzz.cc)
  target_compile_options(${target} PRIVATE ${fuzz_common_flags} -fsanitize=fuzzer)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,${KETENHUB_FUZZ_SANITIZERS})
  target_link_libraries(${target} PRIVATE ${ARGN})
  target_compile_definitions(${target} PRIVATE KETENHUB_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set(KETENHUB_FUZZ_TARGETS ${KETENHUB_FUZZ_TARGETS} ${target} PARENT_SCOPE)
endfunction()

hub_fuzz_target(json_to_xml hub_xml)
hub_fuzz_target(xml_schema hub_xml)
hub_fuzz_target(intake hub_engine hub_adapters)
hub_fuzz_target(wus_response hub_adapters_wus)
hub_fuzz_target(config_loader hub_config hub_adapters)
hub_fuzz_target(admin_route hub_admin)

add_custom_target(fuzz DEPENDS ${KETENHUB_FUZZ_TARGETS})
