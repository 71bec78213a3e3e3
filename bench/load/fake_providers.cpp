#include "fake_providers.hpp"

#include <numeric>
#include <sstream>

#include "audio/audio_format.hpp"

namespace patter::load {

namespace {

const std::vector<std::string>& reply_tokens() {
  static const std::vector<std::string> tokens = {"Certainly", ", a table", " for two", " is free",
                                                  " at eight.", " Shall I", " book it?"};
  return tokens;
}

}  // namespace

FakeProviders::FakeProviders(const LoadOptions& options) {
  fakes::FakeDeepgramOptions deepgram;
  deepgram.latency = options.stt_latency;
  deepgram.idle_timeout = std::chrono::seconds(60);
  deepgram_ = std::make_unique<fakes::FakeDeepgram>(std::move(deepgram));

  fakes::FakeOpenAiChatOptions chat;
  chat.default_reply = fakes::FakeChatReply::text(reply_tokens());
  chat.default_reply.time_to_first_token = options.llm_ttft;
  chat.default_reply.inter_token_delay = options.llm_token_interval;
  chat_ = std::make_unique<fakes::FakeOpenAiChat>(std::move(chat));

  fakes::FakeElevenLabsOptions elevenlabs;
  elevenlabs.default_reply.time_to_first_byte = options.tts_first_byte;
  elevenlabs.default_reply.chunk_interval = options.tts_chunk_interval;
  elevenlabs.audio_per_character = options.tts_audio_per_character;
  elevenlabs_ = std::make_unique<fakes::FakeElevenLabs>(std::move(elevenlabs));
}

std::string FakeProviders::serve_yaml(std::uint16_t port, const LoadOptions& options,
                                      const std::string& auth_token,
                                      const std::string& dashboard_token) const {
  std::ostringstream out;
  out << "server:\n"
      << "  host: 127.0.0.1\n"
      << "  port: " << port << "\n"
      << "  threads: " << options.server_threads << "\n"
      << "log:\n  level: warn\n"
      << "dashboard:\n"
      << "  enabled: " << (options.dashboard ? "true" : "false") << "\n";
  if (options.dashboard) {
    out << "  database: " << (options.work_dir / "calls.db").string() << "\n"
        << "  token: " << dashboard_token << "\n";
  }
  out << "twilio:\n"
      << "  public_host: " << kPublicHost << "\n"
      << "  account_sid: AC00000000000000000000000000000000\n"
      << "  auth_token: " << auth_token << "\n"
      << "  configure_number: false\n"
      << "  use_rest_api: false\n"
      << "agent:\n"
      << "  system_prompt: You take table bookings for Trattoria Patter. Answer briefly.\n"
      << "  first_message: " << kGreeting << "\n"
      << "  stt:\n"
      << "    provider: deepgram\n"
      << "    api_key: " << deepgram_->options().api_key << "\n"
      << "    base_url: " << deepgram_->url() << "\n"
      << "    endpointing_ms: " << options.endpointing.count() << "\n"
      << "  llm:\n"
      << "    provider: openai_compatible\n"
      << "    model: fake-load-model\n"
      << "    api_key: " << chat_->options().api_key << "\n"
      << "    base_url: " << chat_->base_url() << "\n"
      << "  tts:\n"
      << "    provider: elevenlabs\n"
      << "    api_key: " << elevenlabs_->options().api_key << "\n"
      << "    base_url: " << elevenlabs_->base_url() << "\n";
  return out.str();
}

std::vector<std::string> FakeProviders::words_for(std::size_t call, std::size_t turn) const {
  const auto& vocabulary = deepgram_->options().vocabulary;
  const std::size_t size = vocabulary.size();
  std::vector<std::string> words;
  for (std::size_t i = 0; i < 3; ++i) words.push_back(vocabulary[(call + turn * 5 + i * 3) % size]);
  return words;
}

std::vector<std::uint8_t> FakeProviders::speech(const std::vector<std::string>& words) const {
  const std::string audio = deepgram_->speech(words);
  std::vector<std::uint8_t> bytes(audio.begin(), audio.end());
  const auto silence = audio::silence_byte(audio::Encoding::mulaw);
  while (!bytes.empty() && bytes.back() == silence) bytes.pop_back();
  return bytes;
}

std::string FakeProviders::reply_text() {
  return std::accumulate(reply_tokens().begin(), reply_tokens().end(), std::string{});
}

}  // namespace patter::load
