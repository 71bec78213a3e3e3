#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeConvAiState;
}  // namespace detail

struct FakeConvAiToolCall {
  std::string name;
  std::string call_id;
  std::string parameters_json = "{}";
};

// One exchange the fake plays when the caller stops speaking (or sends a user_message).
struct FakeConvAiTurn {
  std::string user_transcript;  // sent as user_transcript; not for user_message turns
  // Asked first; the answer waits for a client_tool_result with this call id.
  std::optional<FakeConvAiToolCall> tool_call;
  std::string agent_response;  // then spoken: agent_response, then its audio
};

struct FakeElevenLabsConvAiOptions {
  bool tls = false;
  std::string api_key = "sk_fake_elevenlabs_0123456789abcdef";
  std::string agent_id = "agent_fake_0001";

  // The agent's own configuration, used where the client overrides nothing.
  std::string agent_first_message = "Hello, this is the fake agent.";
  std::string agent_output_format = "pcm_16000";
  std::string agent_input_format = "pcm_16000";
  // pcm_16000 whatever the client asked for (an agent whose formats cannot be overridden).
  bool force_pcm_output = false;
  bool force_pcm_input = false;

  std::vector<FakeConvAiTurn> turns = {{"I need help", std::nullopt, "Sure, what do you need?"}};
  std::chrono::milliseconds audio_per_character{10};
  std::chrono::milliseconds audio_per_event{100};  // audio carried by one audio event
  std::chrono::milliseconds event_interval{0};     // pause between two audio events

  // Caller speech: a user_audio_chunk whose mean absolute sample is above speech_level is
  // speech; end_of_speech of audio below it ends the caller's turn.
  double speech_level = 1000.0;
  std::chrono::milliseconds end_of_speech{300};
  // After an interruption, one more audio event of the interrupted response, as a real server
  // may have had in flight.
  bool audio_after_interruption = true;

  std::chrono::milliseconds ping_interval{0};  // zero: no pings
  std::optional<std::int64_t> ping_ms;

  // ---- faults ----
  int reject_status = 0;  // refuse every upgrade with this status and ElevenLabs' error body
  // Close with 1008 and this reason right after the initiation message.
  std::string close_after_initiation;
  bool send_metadata = true;  // false: never answer the initiation
  // Drop the TCP connection after this many audio events.
  std::optional<std::size_t> drop_after_audio_events;
  // Right after the metadata: text that is not JSON, an audio event whose base64 is broken, an
  // interruption without its event, a message without a type and a vad_score.
  bool malformed_messages = false;
};

// One conversation socket as the fake saw it.
struct FakeConvAiConversation {
  std::uint64_t connection_id = 0;
  std::vector<std::pair<std::string, std::string>> query;
  FakeHeaders headers;
  bool signed_url = false;  // connected with a conversation_signature it issued
  std::string rejection;    // why it refused the upgrade or closed; empty otherwise

  std::vector<std::string> messages;  // every client message, in order
  std::string initiation;             // the first one
  std::string output_format;          // as announced in the metadata
  std::string input_format;
  std::size_t user_audio_chunks = 0;
  std::size_t user_audio_bytes = 0;       // decoded
  std::vector<std::int64_t> pings;        // event ids sent
  std::vector<std::int64_t> pongs;        // event ids received
  std::vector<std::string> tool_results;  // client_tool_result messages as received
  std::vector<std::string> user_messages;
  std::vector<std::int64_t> interruptions;  // event ids of interrupted responses
  std::vector<std::string> spoken;          // agent responses started, first message included
  std::size_t audio_events = 0;
  std::vector<std::string> problems;  // protocol mistakes of the client
  bool ended = false;
  std::optional<std::uint16_t> client_close_code;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  // How many client messages had this type ("user_audio_chunk" for the untyped audio).
  [[nodiscard]] std::size_t count(std::string_view type) const;
};

// ElevenLabs Conversational AI on a FakeServer (plain or TLS), started on construction:
//
// - GET /v1/convai/conversation/get-signed-url?agent_id=...: checks xi-api-key (401) and the
//   agent (404), answers {"signed_url":"ws(s)://.../v1/convai/conversation?agent_id=...&
//   conversation_signature=..."}; each signature opens one conversation.
// - /v1/convai/conversation?agent_id=... (WebSocket): a signature it issued or xi-api-key (401
//   otherwise), the agent (404). The first message must be conversation_initiation_client_data
//   (else a close with 1008); the metadata answers it with the formats in use (the asked ones
//   unless forced), then the first message (the override or the agent's own) is spoken as an
//   agent_response and μ-law or PCM audio events of a tone. Caller speech is found by its level;
//   when it stops, the next scripted turn plays: user_transcript, an optional client_tool_call
//   whose client_tool_result it waits for, then the answer. Speech while the agent speaks gets
//   an interruption and an agent_response_correction; pings go out every ping_interval.
//
// Each conversation is a few coroutines on the server's thread, so hundreds cost little.
class FakeElevenLabsConvAi {
 public:
  explicit FakeElevenLabsConvAi(FakeElevenLabsConvAiOptions options = {});
  ~FakeElevenLabsConvAi();
  FakeElevenLabsConvAi(const FakeElevenLabsConvAi&) = delete;
  FakeElevenLabsConvAi& operator=(const FakeElevenLabsConvAi&) = delete;

  // http(s)://127.0.0.1:PORT, ElevenLabs' base URL.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeElevenLabsConvAiOptions& options() const { return options_; }

  [[nodiscard]] std::vector<FakeConvAiConversation> conversations() const;
  [[nodiscard]] std::size_t signed_url_requests() const;

  // The agent audio the fake speaks for `text` in `format` ("ulaw_8000", "pcm_16000", ...).
  [[nodiscard]] std::string audio_for(std::string_view text, std::string_view format) const;
  // Caller audio in μ-law 8 kHz: a loud tone, and digital silence.
  [[nodiscard]] static std::string caller_speech(std::chrono::milliseconds duration);
  [[nodiscard]] static std::string caller_silence(std::chrono::milliseconds duration);

 private:
  FakeElevenLabsConvAiOptions options_;
  std::shared_ptr<detail::FakeConvAiState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
