#pragma once

#include <filesystem>
#include <string>

namespace patter::turn {

inline constexpr const char* kSileroModelEnv = "PATTER_SILERO_MODEL";

struct SileroModelLocation {
  std::filesystem::path path;  // the candidate chosen, even when it does not exist
  bool found = false;
  std::string problem;  // why it was not found, with how to get the model; empty when found
};

// Where the Silero model is: `configured` if not empty, else $PATTER_SILERO_MODEL if set, else
// <PATTER_DATA_DIR>/models/silero_vad.onnx. The first candidate given is the one used: a
// configured path that does not exist is reported, never silently replaced by another file.
SileroModelLocation locate_silero_model(const std::filesystem::path& configured = {});

// <PATTER_DATA_DIR>/models/silero_vad.onnx, where tools/fetch-silero-model.sh installs it.
std::filesystem::path default_silero_model_path();

}  // namespace patter::turn
