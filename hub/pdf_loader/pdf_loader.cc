#include "hub/pdf_loader/pdf_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "hub/core/error_codes.h"
#include "hub/pdf/pdf_module_api.h"

namespace hub::pdf_loader {
namespace {

std::string binaryDir() {
  std::string buf(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return {};
  buf.resize(static_cast<size_t>(n));
  const auto slash = buf.rfind('/');
  return slash == std::string::npos ? std::string() : buf.substr(0, slash);
}

// Why path cannot be the module, or empty when it can.
std::string unusable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "not found";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (st.st_mode & S_IWOTH) return "writable by others";
  return {};
}

struct Loaded {
  std::mutex mu;                                // serialises loading
  std::atomic<const pdf::PdfModuleApi*> api{};  // set once, when a load succeeded
};

Loaded& state() {
  static Loaded s;
  return s;
}

Result<const pdf::PdfModuleApi*> openModule() {
  auto path = locateModule();
  if (!path) return unexpected(path.error());
  // RTLD_LOCAL: the module's symbols (and its copies of hub code) stay its own.
  void* handle = ::dlopen(path->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return unexpected(errc::kConfig, "print: cannot load the letter renderer " + *path + ": " +
                                         (why != nullptr ? why : "dlopen failed"));
  }
  auto entry = reinterpret_cast<KetenhubPdfModuleFn>(::dlsym(handle, pdf::kPdfModuleEntry));
  const pdf::PdfModuleApi* api = entry != nullptr ? entry() : nullptr;
  const pdf::PdfModuleApi expected;
  if (api == nullptr || api->render == nullptr || api->abi != expected.abi ||
      api->letter_model_size != expected.letter_model_size ||
      api->rendered_pdf_size != expected.rendered_pdf_size ||
      api->enclosure_limits_size != expected.enclosure_limits_size) {
    // Not dlclose'd: glib, which it loaded, cannot be unloaded anyway.
    return unexpected(errc::kConfig, "print: the letter renderer " + *path +
                                         " was built for another version of ketenhub");
  }
  return api;
}

}  // namespace

std::vector<std::string> moduleCandidates() {
  const std::string dir = binaryDir();
  if (dir.empty()) return {};
  return {dir + "/" + pdf::kPdfModuleFile, dir + "/../lib/ketenhub/" + pdf::kPdfModuleFile};
}

Result<std::string> locateModule() {
  std::string tried;
  for (const auto& c : moduleCandidates()) {
    const std::string why = unusable(c);
    if (why.empty()) return c;
    tried += (tried.empty() ? "" : "; ") + c + ": " + why;
  }
  if (tried.empty()) tried = "the binary's own path is unknown (/proc/self/exe)";
  return unexpected(errc::kConfig, std::string("print: the letter renderer ") +
                                       pdf::kPdfModuleFile + " is not installed with the binary (" +
                                       tried + ")");
}

Result<void> loadModule() {
  Loaded& s = state();
  if (s.api.load(std::memory_order_acquire) != nullptr) return {};
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.api.load(std::memory_order_acquire) != nullptr) return {};
  auto api = openModule();
  if (!api) return unexpected(api.error());
  s.api.store(*api, std::memory_order_release);
  return {};
}

bool moduleLoaded() { return state().api.load(std::memory_order_acquire) != nullptr; }

Result<pdf::RenderedPdf> renderLetterPdf(const pdf::LetterModel& model,
                                         const pdf::EnclosureLimits& limits) {
  if (auto ok = loadModule(); !ok) return unexpected(ok.error());
  return state().api.load(std::memory_order_acquire)->render(model, limits);
}

}  // namespace hub::pdf_loader
