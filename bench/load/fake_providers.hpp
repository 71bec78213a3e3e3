#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_deepgram.hpp"
#include "fakes/fake_elevenlabs.hpp"
#include "fakes/fake_openai_chat.hpp"
#include "load_options.hpp"

namespace patter::load {

inline constexpr std::string_view kPublicHost = "load.patter.test";
inline constexpr std::string_view kGreeting = "Hello, Trattoria Patter. How can I help?";

// The three cloud providers a pipeline agent uses, faked on 127.0.0.1 with the timing of
// LoadOptions: Deepgram hears the words coded into the callers' audio, the chat model streams
// one fixed two-sentence reply, ElevenLabs streams μ-law audio for each sentence.
class FakeProviders {
 public:
  explicit FakeProviders(const LoadOptions& options);

  // The agent and server file for `patter serve`, pointing the providers at the fakes.
  [[nodiscard]] std::string serve_yaml(std::uint16_t port, const LoadOptions& options,
                                       const std::string& auth_token,
                                       const std::string& dashboard_token) const;

  // What the caller says on `turn` of call `call`: three words of the fake's vocabulary (the
  // combination changes every turn, so no turn repeats the one before).
  [[nodiscard]] std::vector<std::string> words_for(std::size_t call, std::size_t turn) const;
  // μ-law audio in which the fake Deepgram hears `words`, without trailing silence.
  [[nodiscard]] std::vector<std::uint8_t> speech(const std::vector<std::string>& words) const;
  [[nodiscard]] static std::string reply_text();

  [[nodiscard]] fakes::FakeDeepgram& deepgram() { return *deepgram_; }
  [[nodiscard]] fakes::FakeOpenAiChat& chat() { return *chat_; }
  [[nodiscard]] fakes::FakeElevenLabs& elevenlabs() { return *elevenlabs_; }

 private:
  std::unique_ptr<fakes::FakeDeepgram> deepgram_;
  std::unique_ptr<fakes::FakeOpenAiChat> chat_;
  std::unique_ptr<fakes::FakeElevenLabs> elevenlabs_;
};

}  // namespace patter::load
