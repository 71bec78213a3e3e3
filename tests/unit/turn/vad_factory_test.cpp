#include "turn/vad_factory.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "test_data.hpp"
#include "turn/silero_model_path.hpp"

namespace patter::turn {
namespace {

// Sets or clears $PATTER_SILERO_MODEL for one test and restores it afterwards.
class ScopedModelEnv {
 public:
  explicit ScopedModelEnv(const char* value) {
    if (const char* old = std::getenv(kSileroModelEnv)) previous_ = old;
    if (value != nullptr) {
      ::setenv(kSileroModelEnv, value, 1);
    } else {
      ::unsetenv(kSileroModelEnv);
    }
  }
  ~ScopedModelEnv() {
    if (previous_) {
      ::setenv(kSileroModelEnv, previous_->c_str(), 1);
    } else {
      ::unsetenv(kSileroModelEnv);
    }
  }
  ScopedModelEnv(const ScopedModelEnv&) = delete;
  ScopedModelEnv& operator=(const ScopedModelEnv&) = delete;

 private:
  std::optional<std::string> previous_;
};

std::filesystem::path temp_file(const std::string& name, const std::string& contents) {
  auto path = std::filesystem::temp_directory_path() /
              ("patter_turn_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(SileroModelPathTest, ConfiguredPathComesFirstThenEnvironmentThenDataDir) {
  const auto configured = temp_file("configured.onnx", "x");
  const auto from_env = temp_file("env.onnx", "x");
  {
    ScopedModelEnv env(from_env.c_str());
    EXPECT_EQ(locate_silero_model(configured).path, configured);
    EXPECT_TRUE(locate_silero_model(configured).found);
    EXPECT_EQ(locate_silero_model().path, from_env);
  }
  {
    ScopedModelEnv env(nullptr);
    EXPECT_EQ(locate_silero_model().path, default_silero_model_path());
    EXPECT_EQ(default_silero_model_path().filename(), "silero_vad.onnx");
    EXPECT_EQ(default_silero_model_path().parent_path().filename(), "models");
  }
  std::filesystem::remove(configured);
  std::filesystem::remove(from_env);
}

TEST(SileroModelPathTest, MissingFileExplainsHowToGetTheModel) {
  const SileroModelLocation location = locate_silero_model("/nonexistent/silero_vad.onnx");
  EXPECT_FALSE(location.found);
  EXPECT_NE(location.problem.find("/nonexistent/silero_vad.onnx"), std::string::npos);
  EXPECT_NE(location.problem.find("tools/fetch-silero-model.sh"), std::string::npos);
  EXPECT_NE(location.problem.find(kSileroModelEnv), std::string::npos);
}

TEST(VadFactoryTest, FallsBackToEnergyVadWithAWarningWhenTheModelIsMissing) {
  const SileroModelLoad load = load_silero_model("/nonexistent/silero_vad.onnx");
  EXPECT_EQ(load.model, nullptr);
  EXPECT_NE(load.warning.find("tools/fetch-silero-model.sh"), std::string::npos);
  EXPECT_NE(load.warning.find("energy VAD"), std::string::npos);
  const auto detector = make_vad_detector(load.model, 8000);
  ASSERT_NE(detector, nullptr);
  EXPECT_EQ(detector->sample_rate(), 8000);
}

TEST(VadFactoryTest, CorruptModelFileGivesAWarningNotACrash) {
  const auto corrupt = temp_file("corrupt.onnx", std::string("\x0a\xff\xff\xff\xff\x0f", 6));
  const SileroModelLoad load = load_silero_model(corrupt);
  EXPECT_EQ(load.model, nullptr);
  EXPECT_NE(load.warning.find(corrupt.string()), std::string::npos) << load.warning;
  std::filesystem::remove(corrupt);
}

TEST(VadFactoryTest, UsesSileroWhenTheModelLoads) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  const SileroModelLoad load = load_silero_model(location.path);
  ASSERT_NE(load.model, nullptr) << load.warning;
  EXPECT_TRUE(load.warning.empty());
  EXPECT_EQ(make_vad_detector(load.model, 16000)->sample_rate(), 16000);
  EXPECT_EQ(make_vad_detector(load.model, 8000)->sample_rate(), 8000);
  EXPECT_THROW(make_vad_detector(load.model, 44100), std::invalid_argument);
}

}  // namespace
}  // namespace patter::turn
