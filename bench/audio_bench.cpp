// Per-frame costs of the audio path: codecs, resampling, chunking, mixing and pacing.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include "audio/frame_chunker.hpp"
#include "audio/mixer.hpp"
#include "audio/mulaw.hpp"
#include "audio/playout_pacer.hpp"
#include "audio/resampler.hpp"
#include "core/manual_clock.hpp"

namespace {

using namespace std::chrono_literals;
using namespace patter;

std::vector<std::int16_t> speech_like(std::size_t count) {
  std::vector<std::int16_t> samples(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(i);
    samples[i] = static_cast<std::int16_t>(8000 * std::sin(0.07 * t) + 3000 * std::sin(0.53 * t));
  }
  return samples;
}

void BM_MulawEncodeFrame(benchmark::State& state) {
  const auto samples = speech_like(160);
  std::vector<std::uint8_t> out(160);
  for (auto _ : state) {
    audio::mulaw_encode(samples, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 160);
}
BENCHMARK(BM_MulawEncodeFrame);

void BM_MulawDecodeFrame(benchmark::State& state) {
  std::vector<std::uint8_t> codes(160);
  audio::mulaw_encode(speech_like(160), codes);
  std::vector<std::int16_t> out(160);
  for (auto _ : state) {
    audio::mulaw_decode(codes, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 160);
}
BENCHMARK(BM_MulawDecodeFrame);

// One 20 ms frame per iteration through a long-lived resampler (steady state).
void BM_ResampleFrame(benchmark::State& state) {
  const auto input_rate = static_cast<int>(state.range(0));
  const auto output_rate = static_cast<int>(state.range(1));
  audio::Resampler resampler(input_rate, output_rate);
  const auto frame = speech_like(static_cast<std::size_t>(input_rate / 50));
  for (auto _ : state) {
    const auto out = resampler.process(frame);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}
BENCHMARK(BM_ResampleFrame)->Args({8000, 16000})->Args({16000, 8000})->Args({24000, 8000});

// 20 ms PCM16 frames at 16 kHz cut from 333-byte chunks (odd sizes, so bytes are carried).
void BM_ChunkerFrame(benchmark::State& state) {
  std::size_t frames = 0;
  audio::FrameChunker chunker({audio::Encoding::pcm16_le, 16000}, 20ms,
                              [&frames](const audio::FrameView& frame) {
                                benchmark::DoNotOptimize(frame.bytes.data());
                                ++frames;
                              });
  const std::vector<std::uint8_t> chunk(333, 0x11);
  for (auto _ : state) {
    while (frames == 0) chunker.push(chunk);
    frames = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChunkerFrame);

void BM_MixTwoStreamsFrame(benchmark::State& state) {
  const auto voice = speech_like(320);
  const auto music = speech_like(320);
  std::vector<std::int16_t> out(320);
  const audio::MixInput inputs[] = {{voice, 1.0F}, {music, 0.3F}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(audio::mix(inputs, out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MixTwoStreamsFrame);

// Push one μ-law frame and advance virtual time by 20 ms: one release and one timer per frame.
void BM_PacerFrame(benchmark::State& state) {
  core::ManualClock clock;
  std::size_t released = 0;
  audio::PlayoutPacer pacer(clock, audio::kTelephonyMulaw, {},
                            {[&released](const audio::FrameView&) { ++released; }, {}, {}});
  const std::vector<std::uint8_t> frame(160, 0xFF);
  for (int i = 0; i < 3; ++i) pacer.push(frame);
  for (auto _ : state) {
    pacer.push(frame);
    clock.advance(20ms);
  }
  benchmark::DoNotOptimize(released);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PacerFrame);

}  // namespace

BENCHMARK_MAIN();
