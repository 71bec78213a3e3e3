// Silero VAD inference cost per 32 ms window, the per-call, per-frame cost of voice activity
// detection. Needs the model (tools/fetch-silero-model.sh or $PATTER_SILERO_MODEL).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "turn/silero_model_path.hpp"
#include "turn/silero_vad.hpp"
#include "turn/vad_factory.hpp"

namespace {

using patter::turn::SampleRate;

// A voiced-like signal: a 140 Hz tone with harmonics plus deterministic noise.
std::vector<float> test_signal(int samples, int sample_rate) {
  std::vector<float> signal(static_cast<std::size_t>(samples));
  std::uint32_t noise = 12345;
  for (int i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    noise = noise * 1664525U + 1013904223U;
    const double hiss = (static_cast<double>(noise >> 8) / (1 << 24) - 0.5) * 0.02;
    signal[static_cast<std::size_t>(i)] = static_cast<float>(
        0.3 * std::sin(2 * M_PI * 140 * t) + 0.1 * std::sin(2 * M_PI * 280 * t) + hiss);
  }
  return signal;
}

std::shared_ptr<const patter::turn::SileroModel> model_or_skip(benchmark::State& state) {
  static const patter::turn::SileroModelLoad load = patter::turn::load_silero_model();
  if (!load.model) state.SkipWithError(load.warning.c_str());
  return load.model;
}

void BM_SileroWindow(benchmark::State& state, SampleRate rate) {
  const auto model = model_or_skip(state);
  if (!model) return;
  patter::turn::SileroVad vad(model, rate);
  const int window = vad.window_samples();
  constexpr int kWindows = 64;
  const std::vector<float> signal = test_signal(window * kWindows, vad.sample_rate());
  int next = 0;
  for (auto _ : state) {
    const std::span<const float> samples(signal.data() + static_cast<std::ptrdiff_t>(next) * window,
                                         static_cast<std::size_t>(window));
    benchmark::DoNotOptimize(vad.speech_probability(samples));
    next = (next + 1) % kWindows;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VadDetectorPcm16(benchmark::State& state) {
  const auto model = model_or_skip(state);
  if (!model) return;
  auto detector = patter::turn::make_vad_detector(model, 16000);
  const std::vector<float> signal = test_signal(16000, 16000);
  std::vector<std::int16_t> pcm(signal.size());
  for (std::size_t i = 0; i < signal.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(signal[i] * 32767.0F);
  }
  constexpr std::size_t kChunk = 320;  // 20 ms carrier frames, not aligned with 32 ms windows
  std::size_t offset = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(detector->push(std::span(pcm).subspan(offset, kChunk)));
    offset = (offset + kChunk) % (pcm.size() - kChunk);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_SileroWindow, 16k_512_samples, SampleRate::k16000);
BENCHMARK_CAPTURE(BM_SileroWindow, 8k_256_samples, SampleRate::k8000);
BENCHMARK(BM_VadDetectorPcm16);

}  // namespace
