#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <patter/conversation.hpp>
#include <patter/providers.hpp>

namespace patter {

struct HookContext {
  CallParties call;
  std::vector<HistoryEntry> history;
};

// Points where user code may inspect or change what flows through a pipeline call. Every hook is
// optional and fails open: if it throws, the original value is kept and a warning is logged.
//
// Three hooks sit on the audio path and run inline on the call's event loop, 50 times a second
// or more: before_send_to_stt, after_llm.on_chunk and after_synthesize. They must be quick and
// never block. All the others run on a worker thread and may block.
struct PipelineHooks {
  // Caller audio (PCM16 at the STT's rate) about to reach speech-to-text: return it (changed or
  // not), or nullopt to drop the chunk.
  std::function<std::optional<std::vector<std::int16_t>>(std::span<const std::int16_t> pcm,
                                                         const CallParties& call)>
      before_send_to_stt;
  // A committed user turn: return the text to answer, or nullopt to veto the turn.
  std::function<std::optional<std::string>(const std::string& text, const HookContext&)>
      after_transcribe;
  // The messages about to be sent to the model, once per user turn (not per tool iteration):
  // nullopt keeps them, a vector replaces them.
  std::function<std::optional<std::vector<ChatMessage>>(const std::vector<ChatMessage>& messages,
                                                        const HookContext&)>
      before_llm;
  struct AfterLlm {
    // Each streamed delta; returns the delta to use.
    std::function<std::string(std::string_view chunk)> on_chunk;
    // Each sentence: nullopt keeps it, "" drops it, anything else replaces it.
    std::function<std::optional<std::string>(const std::string& sentence, const HookContext&)>
        on_sentence;
    // The whole reply, which is then spoken. Setting it buffers the reply: speech starts only
    // once the model has finished.
    std::function<std::optional<std::string>(const std::string& reply, const HookContext&)>
        on_response;
  } after_llm;
  // A sentence about to be synthesised: nullopt skips it, anything else is spoken.
  std::function<std::optional<std::string>(const std::string& sentence, const HookContext&)>
      before_synthesize;
  // Synthesised audio (the TTS provider's format) about to be sent: nullopt drops the chunk.
  std::function<std::optional<std::vector<std::uint8_t>>(std::span<const std::uint8_t> audio,
                                                         const std::string& sentence,
                                                         const CallParties& call)>
      after_synthesize;
};

}  // namespace patter
