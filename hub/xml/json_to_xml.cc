#include "hub/xml/json_to_xml.h"

#include <boost/json/basic_parser_impl.hpp>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/json_diagnostics.h"
#include "hub/xml/xml_chars.h"

namespace hub::xml {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

class XmlWriter {
 public:
  constexpr static std::size_t max_object_size = std::size_t(-1);
  constexpr static std::size_t max_array_size = std::size_t(-1);
  constexpr static std::size_t max_key_size = std::size_t(-1);
  constexpr static std::size_t max_string_size = std::size_t(-1);

  XmlWriter(size_t max_depth, size_t size_hint) : max_depth_(max_depth) {
    out_.reserve(size_hint + size_hint / 2 + 128);
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (frames_.empty()) {
      frames_.push_back(Frame{false, "event", {}, 0, {}});
      out_ += "<event xmlns:xsi=\"";
      out_ += kXsiNamespace;
      out_ += "\">";
      return true;
    }
    if (!checkDepth(ec)) return false;
    std::string name = valueName();
    open(name);
    frames_.push_back(Frame{false, std::move(name), valueToken(), 0, {}});
    return true;
  }

  bool on_object_end(std::size_t, error_code&) {
    close(frames_.back().name);
    frames_.pop_back();
    afterValue();
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (frames_.empty()) return fail(ec, errc::kInvalidInput, "top level must be a JSON object");
    if (frames_.back().is_array) {
      return fail(ec, errc::kInvalidInput,
                  "an array directly inside an array has no XML element name");
    }
    if (!checkDepth(ec)) return false;
    frames_.push_back(Frame{true, key_, key_, 0, {}});
    return true;
  }

  bool on_array_end(std::size_t n, error_code&) {
    if (n == 0) {
      out_ += '<';
      out_ += frames_.back().name;
      out_ += " json:array=\"empty\" xmlns:json=\"";
      out_ += kJsonNamespace;
      out_ += "\"/>";
    }
    frames_.pop_back();
    afterValue();
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }

  bool on_key(string_view s, std::size_t, error_code& ec) {
    buf_.append(s.data(), s.size());
    key_.swap(buf_);
    buf_.clear();
    // A key that is no XML name may be any text (a name, a number): it is never quoted, the
    // pointer of its object says where it is. A key that passed is a field name and may be.
    if (std::string why = internal::elementNameProblem(key_); !why.empty()) {
      return failAt(objectPointer(), ec, errc::kInvalidInput, "a key that " + why);
    }
    std::vector<std::string>& seen = frames_.back().keys;
    for (const std::string& k : seen) {
      if (k == key_) {
        return failAt(objectPointer(), ec, errc::kInvalidInput, "duplicate key '" + key_ + "'");
      }
    }
    seen.push_back(key_);
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }

  bool on_string(string_view s, std::size_t, error_code& ec) {
    buf_.append(s.data(), s.size());
    if (!scalarAllowed(ec)) return false;
    const std::string name = valueName();
    open(name);
    if (!appendEscaped(buf_, ec)) return false;
    buf_.clear();
    close(name);
    afterValue();
    return true;
  }

  bool on_number_part(string_view s, error_code&) {
    num_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t, string_view s, error_code& ec) { return number(s, ec); }
  bool on_uint64(uint64_t, string_view s, error_code& ec) { return number(s, ec); }
  bool on_double(double d, string_view s, error_code& ec) {
    if (!std::isfinite(d)) {
      return fail(ec, errc::kInvalidInput, "number out of range (not a finite double)");
    }
    if (d == 0) {
      std::string text = num_ + std::string(s.data(), s.size());
      const std::string mantissa = text.substr(0, text.find_first_of("eE"));
      if (mantissa.find_first_of("123456789") != std::string::npos) {
        return fail(ec, errc::kInvalidInput, "number out of range (underflows to zero)");
      }
    }
    return number(s, ec);
  }

  bool on_bool(bool b, error_code& ec) { return scalarText(b ? "true" : "false", ec); }

  bool on_null(error_code& ec) {
    if (!scalarAllowed(ec)) return false;
    out_ += '<';
    out_ += valueName();
    out_ += " xsi:nil=\"true\"/>";
    afterValue();
    return true;
  }

  std::string& output() { return out_; }
  const Error& error() const { return error_; }
  bool failed() const { return !error_.code.empty(); }
  std::string pointer() const { return pointerOf(valueToken()); }

 private:
  struct Frame {
    bool is_array;
    std::string name;               // element name of the object / key of the array
    std::string token;              // JSON pointer token leading here ("" for the root)
    size_t index;                   // arrays: index of the next element
    std::vector<std::string> keys;  // objects: keys seen so far
  };

  // Pointer token of the value being read now.
  std::string valueToken() const {
    if (frames_.empty()) return {};
    const Frame& top = frames_.back();
    return top.is_array ? std::to_string(top.index) : key_;
  }

  std::string pointerOf(const std::string& last) const {
    std::string p;
    for (size_t i = 1; i < frames_.size(); ++i) p += "/" + frames_[i].token;
    if (!frames_.empty() && (frames_.back().is_array || !last.empty())) p += "/" + last;
    return p.empty() ? "(root)" : p;
  }

  // Pointer of the object being read (for key errors).
  std::string objectPointer() const {
    std::string p;
    for (size_t i = 1; i < frames_.size(); ++i) p += "/" + frames_[i].token;
    return p.empty() ? "(root)" : p;
  }

  // Element name of the value being read now: the member's key, or the array's key.
  const std::string& valueName() const {
    return frames_.back().is_array ? frames_.back().name : key_;
  }

  void afterValue() {
    if (frames_.empty()) return;
    if (frames_.back().is_array) {
      ++frames_.back().index;
    } else {
      key_.clear();  // between members the pointer names the object itself
    }
  }

  void open(const std::string& name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }
  void close(const std::string& name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  bool checkDepth(error_code& ec) {
    if (frames_.size() + 1 > max_depth_) {
      return fail(ec, errc::kInvalidInput,
                  "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    return true;
  }

  bool scalarAllowed(error_code& ec) {
    if (frames_.empty()) return fail(ec, errc::kInvalidInput, "top level must be a JSON object");
    return true;
  }

  bool scalarText(const char* text, error_code& ec) {
    if (!scalarAllowed(ec)) return false;
    const std::string& name = valueName();
    open(name);
    out_ += text;
    close(name);
    afterValue();
    return true;
  }

  bool number(string_view s, error_code& ec) {
    num_.append(s.data(), s.size());
    const bool ok = scalarText(num_.c_str(), ec);
    num_.clear();
    return ok;
  }

  // Validates UTF-8 and XML 1.0 characters while escaping into out_.
  bool appendEscaped(const std::string& s, error_code& ec) {
    const internal::TextProblem p = internal::appendEscapedText(s, out_);
    switch (p.kind) {
      case internal::TextProblem::kNone:
        return true;
      case internal::TextProblem::kBadUtf8:
        return fail(ec, errc::kInvalidInput,
                    "string is not valid UTF-8 (byte " + std::to_string(p.offset) + ")");
      case internal::TextProblem::kNotXmlChar:
        break;
    }
    return fail(ec, errc::kInvalidInput,
                "string contains " + internal::codePointText(p.code_point) +
                    ", which XML 1.0 cannot carry");
  }

  bool fail(error_code& ec, const char* code, const std::string& what) {
    return failAt(pointer(), ec, code, what);
  }
  bool failAt(const std::string& where, error_code& ec, const char* code, const std::string& what) {
    error_ = Error{code, where + ": " + what};
    ec = json::error::syntax;  // any error stops the parser; error_ holds the real reason
    return false;
  }

  size_t max_depth_;
  std::string out_;
  std::vector<Frame> frames_;
  std::string key_;  // the key of the member being read
  std::string buf_;  // string / key parts
  std::string num_;  // number parts
  Error error_;
};

}  // namespace

Result<std::string> jsonToXml(std::string_view json_text, const JsonLimits& limits) {
  json::parse_options opts;
  opts.max_depth = limits.max_depth + 2;  // our own bound triggers first, with a pointer
  opts.allow_invalid_utf8 = true;         // checked by XmlWriter, with a pointer
  json::basic_parser<XmlWriter> parser(opts, limits.max_depth, json_text.size());
  error_code ec;
  const size_t used = parser.write_some(false, json_text.data(), json_text.size(), ec);
  XmlWriter& w = parser.handler();
  if (w.failed()) return unexpected(w.error());
  if (ec) {
    const std::string where = internal::position(json_text, used);
    if (ec == json::error::illegal_leading_surrogate ||
        ec == json::error::illegal_trailing_surrogate ||
        (ec == json::error::syntax && internal::endsWithLeadingSurrogateEscape(json_text, used))) {
      return unexpected(errc::kInvalidInput,
                        w.pointer() + ": string contains a lone surrogate (\\u escape) at " +
                            where + ", which XML 1.0 cannot carry");
    }
    if (ec == json::error::exponent_overflow) {
      return unexpected(errc::kInvalidInput, w.pointer() + ": number out of range at " + where);
    }
    if (ec == json::error::too_deep) {
      return unexpected(errc::kInvalidInput, w.pointer() + ": nesting too deep at " + where);
    }
    return unexpected(errc::kNotJson, w.pointer() + ": not JSON at " + where + ": " + ec.message());
  }
  if (used < json_text.size()) {
    return unexpected(errc::kNotJson, "(root): not JSON at " + internal::position(json_text, used) +
                                          ": extra data after the JSON value");
  }
  return std::move(w.output());
}

}  // namespace hub::xml
