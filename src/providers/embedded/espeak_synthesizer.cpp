#include "providers/embedded/espeak_synthesizer.hpp"

#include <algorithm>
#include <future>
#include <utility>

#include "core/error.hpp"

namespace patter::providers {

EspeakSynthesizer::EspeakSynthesizer(EspeakEngine& engine, SpeechOptions options)
    : engine_(engine), options_(std::move(options)) {}

EspeakSynthesizer::~EspeakSynthesizer() {
  cancel_all();
}

SynthesisHandle EspeakSynthesizer::synthesize(std::string text, AudioChunkCallback on_chunk,
                                              SynthesisDoneCallback on_done) {
  std::erase_if(unfinished_, [](const SynthesisHandle& handle) { return handle.finished(); });
  auto handle = engine_.submit(std::move(text), options_, std::move(on_chunk), std::move(on_done));
  unfinished_.push_back(handle);
  return handle;
}

std::vector<std::int16_t> EspeakSynthesizer::synthesize_all(std::string text,
                                                            std::chrono::milliseconds timeout) {
  // Shared so the callbacks stay valid if the wait times out before the worker lets go of them.
  auto audio = std::make_shared<std::vector<std::int16_t>>();
  auto outcome = std::make_shared<std::promise<SynthesisOutcome>>();
  auto finished = outcome->get_future();
  auto handle = synthesize(
      std::move(text),
      [audio](std::span<const std::int16_t> samples) {
        audio->insert(audio->end(), samples.begin(), samples.end());
      },
      [outcome](const SynthesisOutcome& result) { outcome->set_value(result); });
  if (finished.wait_for(timeout) != std::future_status::ready) {
    handle.cancel();
    throw core::Error(core::Errc::timeout, "espeak-ng synthesis did not finish in time");
  }
  const SynthesisOutcome result = finished.get();
  if (result.status != SynthesisOutcome::Status::completed) {
    throw core::Error(
        core::Errc::upstream_error,
        result.error.empty() ? std::string("espeak-ng synthesis was cancelled") : result.error);
  }
  return std::move(*audio);
}

void EspeakSynthesizer::cancel_all() {
  for (const auto& handle : unfinished_) {
    handle.cancel();
  }
  unfinished_.clear();
}

}  // namespace patter::providers
