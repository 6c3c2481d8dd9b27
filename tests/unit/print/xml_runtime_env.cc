// One XmlRuntime for the whole test binary, as main() has in the hub.
#include <gtest/gtest.h>

#include <memory>

#include "hub/xml/xml_runtime.h"

namespace {

class XmlRuntimeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { runtime_ = std::make_unique<hub::xml::XmlRuntime>(); }
  void TearDown() override { runtime_.reset(); }

 private:
  std::unique_ptr<hub::xml::XmlRuntime> runtime_;
};

[[maybe_unused]] ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new XmlRuntimeEnvironment);

}  // namespace
