#pragma once
// Helpers shared by the hub/xml unit tests.
#include <fstream>
#include <sstream>
#include <string>

namespace hub::xml::testing {

inline std::string sourcePath(const std::string& relative) {
  return std::string(KETENHUB_SOURCE_DIR) + "/" + relative;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string exampleEventJson() {
  return readFile(sourcePath("tests/unit/xml/testdata/wvggz.crisismaatregel.genomen.json"));
}

inline const char* kEventXsd = "schemas/events/wvggz.crisismaatregel.genomen.xsd";
inline const char* kProductXsd = "schemas/om/kennisgeving-crisismaatregel.xsd";
inline const char* kProductXsl = "mappings/om/kennisgeving-crisismaatregel.xsl";

}  // namespace hub::xml::testing
