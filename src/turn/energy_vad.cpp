#include "turn/energy_vad.hpp"

#include <cmath>
#include <stdexcept>

namespace patter::turn {

EnergyVad::EnergyVad(EnergyVadOptions options)
    : options_(options), window_samples_(options.sample_rate * options.window_ms / 1000) {
  if (window_samples_ <= 0 || options_.softness_db <= 0.0F) {
    throw std::invalid_argument("energy VAD needs a positive window and softness");
  }
}

float EnergyVad::speech_probability(std::span<const float> window) {
  if (window.empty()) return 0.0F;
  double energy = 0.0;
  for (const float sample : window) energy += static_cast<double>(sample) * sample;
  const double mean_square = energy / static_cast<double>(window.size());
  constexpr double kSilenceFloor = 1e-12;  // -120 dBFS, keeps log10 finite for digital silence
  const double dbfs = 10.0 * std::log10(mean_square + kSilenceFloor);
  const double x = (dbfs - options_.threshold_dbfs) / options_.softness_db;
  return static_cast<float>(1.0 / (1.0 + std::exp(-x)));
}

}  // namespace patter::turn
