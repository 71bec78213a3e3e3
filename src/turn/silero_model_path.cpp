#include "turn/silero_model_path.hpp"

#include <cstdlib>
#include <system_error>

#ifndef PATTER_DATA_DIR
#error "PATTER_DATA_DIR must be defined by the build"
#endif

namespace patter::turn {

std::filesystem::path default_silero_model_path() {
  return std::filesystem::path(PATTER_DATA_DIR) / "models" / "silero_vad.onnx";
}

SileroModelLocation locate_silero_model(const std::filesystem::path& configured) {
  SileroModelLocation location;
  std::string source;
  const char* from_env = std::getenv(kSileroModelEnv);
  if (!configured.empty()) {
    location.path = configured;
    source = "configured path";
  } else if (from_env != nullptr && *from_env != '\0') {
    location.path = from_env;
    source = std::string("$") + kSileroModelEnv;
  } else {
    location.path = default_silero_model_path();
    source = "default data directory";
  }
  std::error_code error;
  location.found = std::filesystem::is_regular_file(location.path, error);
  if (!location.found) {
    location.problem = "Silero VAD model not found at " + location.path.string() + " (" + source +
                       "); run tools/fetch-silero-model.sh to install it, or set " +
                       kSileroModelEnv + " to the path of silero_vad.onnx";
  }
  return location;
}

}  // namespace patter::turn
