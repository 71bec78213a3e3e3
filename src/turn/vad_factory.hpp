#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "turn/silero_model.hpp"
#include "turn/vad_detector.hpp"

namespace patter::turn {

// The outcome of loading the Silero model once per process. `model` is shared by all calls;
// when it is null, `warning` says why and how to install the model, for the caller to log.
struct SileroModelLoad {
  std::shared_ptr<const SileroModel> model;
  std::string warning;
};

// Finds (see locate_silero_model) and loads the model; never throws for a missing or bad file.
SileroModelLoad load_silero_model(const std::filesystem::path& configured = {});

// A detector for one call at 8000 or 16000 Hz: Silero when `model` is set, else the energy VAD.
// Throws std::invalid_argument for another sample rate.
std::unique_ptr<VadDetector> make_vad_detector(const std::shared_ptr<const SileroModel>& model,
                                               int sample_rate, const VadOptions& options = {});

}  // namespace patter::turn
