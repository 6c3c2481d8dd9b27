#pragma once
// pdftotext (poppler-utils) as the judge of what a rendered PDF says.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace hub::pdf::testing {

// The text of a PDF (pdftotext; -layout, or -bbox for word positions in points), or "" when
// pdftotext fails.
inline std::string pdfText(const std::string& pdf, const char* mode = "") {
  char tmpl[] = "/tmp/ketenhub-pdf-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return "";
  ::close(fd);
  {
    std::ofstream out(tmpl, std::ios::binary);
    out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  const std::string cmd =
      std::string("pdftotext -enc UTF-8 ") + mode + " " + tmpl + " - 2>/dev/null";
  std::string text;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    pclose(p);
  }
  std::remove(tmpl);
  return text;
}

struct Word {
  double x_min, y_min, x_max, y_max;
  std::string text;
};

// The words of the first page of a PDF with their boxes (points, from the top left).
inline std::vector<Word> firstPageWords(const std::string& pdf) {
  const std::string xml = pdfText(pdf, "-bbox -l 1");
  static const std::regex re(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
  std::vector<Word> words;
  for (std::sregex_iterator it(xml.begin(), xml.end(), re), end; it != end; ++it) {
    words.push_back({std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]),
                     std::stod((*it)[4]), (*it)[5]});
  }
  return words;
}

}  // namespace hub::pdf::testing
