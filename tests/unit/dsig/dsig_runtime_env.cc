// The library runtimes for the whole test binary, in the order main() creates them.
#include <gtest/gtest.h>

#include <memory>

#include "hub/dsig/dsig_runtime.h"
#include "hub/xml/xml_runtime.h"

namespace {

class DsigRuntimeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    xml_ = std::make_unique<hub::xml::XmlRuntime>();
    dsig_ = std::make_unique<hub::dsig::DsigRuntime>();
    ASSERT_TRUE(dsig_->ok()) << dsig_->initError();
  }
  void TearDown() override {
    dsig_.reset();
    xml_.reset();
  }

 private:
  std::unique_ptr<hub::xml::XmlRuntime> xml_;
  std::unique_ptr<hub::dsig::DsigRuntime> dsig_;
};

[[maybe_unused]] ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new DsigRuntimeEnvironment);

}  // namespace
