#include "turn/vad_factory.hpp"

#include <stdexcept>

#include "turn/energy_vad.hpp"
#include "turn/silero_model_path.hpp"
#include "turn/silero_vad.hpp"

namespace patter::turn {

SileroModelLoad load_silero_model(const std::filesystem::path& configured) {
  constexpr const char* kFallback = "; falling back to the energy VAD (loudness only)";
  const SileroModelLocation location = locate_silero_model(configured);
  if (!location.found) return {nullptr, location.problem + kFallback};
  try {
    return {SileroModel::load(location.path), {}};
  } catch (const ModelError& error) {
    return {nullptr, std::string("cannot load the Silero VAD model: ") + error.what() +
                         "; reinstall it with tools/fetch-silero-model.sh" + kFallback};
  }
}

std::unique_ptr<VadDetector> make_vad_detector(const std::shared_ptr<const SileroModel>& model,
                                               int sample_rate, const VadOptions& options) {
  if (sample_rate != 8000 && sample_rate != 16000) {
    throw std::invalid_argument("VAD supports 8000 or 16000 Hz, not " +
                                std::to_string(sample_rate));
  }
  std::unique_ptr<SpeechClassifier> classifier;
  if (model) {
    classifier = std::make_unique<SileroVad>(
        model, sample_rate == 8000 ? SampleRate::k8000 : SampleRate::k16000);
  } else {
    EnergyVadOptions energy;
    energy.sample_rate = sample_rate;
    classifier = std::make_unique<EnergyVad>(energy);
  }
  return std::make_unique<VadDetector>(std::move(classifier), options);
}

}  // namespace patter::turn
