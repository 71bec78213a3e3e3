#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeOpenAiRealtimeState;
}  // namespace detail

struct FakeRealtimeFunctionCall {
  std::string name;
  std::string arguments;  // JSON text
};

// One scripted response: spoken text with `audio` of tone, or a function call.
struct FakeRealtimeReply {
  std::string text = "Sure, I can help with that.";
  std::chrono::milliseconds audio{600};
  std::optional<FakeRealtimeFunctionCall> function_call;
};

struct FakeOpenAiRealtimeOptions {
  bool tls = false;
  std::string api_key = "sk-test-realtime";
  // Refuse every upgrade with this status (401, 403, 429, ...) and OpenAI's error body.
  int reject_status = 0;

  // What the input transcription says for each caller turn the VAD commits, in order (then
  // "(inaudible)").
  std::vector<std::string> user_transcripts = {"I would like a table for two"};
  // The responses, in order; when they run out, default_reply. A response.create whose
  // instructions say "say exactly ... \"text\"" speaks that text instead, without using one.
  std::vector<FakeRealtimeReply> replies;
  FakeRealtimeReply default_reply;
  // Audio length of a verbatim response per character of its text.
  std::chrono::milliseconds verbatim_audio_per_character{40};

  // Agent audio: a sine tone in the session's output format, cut into deltas of audio_chunk,
  // sent delta_gap apart (faster than real time).
  std::chrono::milliseconds audio_chunk{100};
  std::chrono::milliseconds delta_gap{5};
  double tone_hz = 440.0;
  int tone_amplitude = 8000;
  // The server VAD: a 10 ms window of caller audio with this RMS or more is speech.
  int vad_energy_threshold = 500;

  // Every message the fake sends waits this long first.
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds session_updated_delay{0};
  bool answer_session_update = true;  // false: session.updated never comes
  // Answer session.update with an `error` event carrying this message instead.
  std::string reject_session_update;
  // An `error` event (code, message) sent right after session.updated.
  std::optional<std::pair<std::string, std::string>> error_after_ready;
  // Drop the TCP connection once the fake has sent this many messages.
  std::optional<std::size_t> drop_after_messages;
  // Send `malformed_text` once the fake has sent this many messages.
  std::optional<std::size_t> malformed_after_messages;
  std::string malformed_text = R"({"type":"response.audio.delta","delta":)";
  // Audio deltas of a cancelled response still sent after the cancel (in flight in the real
  // service when the cancel arrives).
  std::size_t late_deltas_after_cancel = 0;
};

struct FakeRealtimeTruncate {
  std::string item_id;
  std::int64_t content_index = -1;
  std::int64_t audio_end_ms = -1;
  std::int64_t audio_sent_ms = 0;  // of that item, when the truncate arrived
};

// What the fake saw on one connection.
struct FakeRealtimeConnection {
  std::uint64_t connection_id = 0;
  std::string authorization;
  std::optional<std::string> beta_header;  // OpenAI-Beta
  std::string model;                       // the model query parameter
  bool ga = false;                         // no beta header: GA names and shapes
  bool rejected = false;
  std::vector<std::string> client_messages;  // every text message, in order
  std::vector<std::string> client_types;
  std::vector<std::string> sent;  // the fake's messages, in order
  std::string session_json;       // the session as last echoed in session.updated
  std::string audio_received;     // the decoded caller audio, as the session's format
  std::vector<FakeRealtimeTruncate> truncates;
  std::vector<std::string> response_instructions;  // of each response.create ("" when none)
  std::size_t responses_started = 0;
  std::size_t responses_cancelled = 0;
  bool dropped = false;  // by the drop_after_messages knob
  bool ended = false;    // the connection is gone

  [[nodiscard]] std::size_t count_client(std::string_view type) const;
  [[nodiscard]] std::size_t count_sent(std::string_view type) const;
  // The client's messages of one type, as sent.
  [[nodiscard]] std::vector<std::string> client(std::string_view type) const;
  [[nodiscard]] std::vector<std::string> sent_of(std::string_view type) const;
};

// OpenAI's Realtime API (/v1/realtime, WebSocket) on a FakeServer, started on construction.
// Checks `Authorization: Bearer <api_key>` (401 with OpenAI's error body otherwise); with
// `OpenAI-Beta: realtime=v1` it speaks beta v1, without it GA (names and session shape).
// Sends session.created, echoes the merged session in session.updated; runs an energy VAD on the
// caller audio (speech_started/stopped on the received-audio timeline, silence_duration_ms after
// the speech ends), commits, transcribes (user_transcripts), and answers with a scripted
// response: response.created, the output item, audio and transcript deltas, done events and
// response.done with usage. response.cancel ends the response as cancelled;
// conversation.item.truncate is checked against the audio sent and answered; function calls
// round-trip through function_call_output + response.create. A response.create during a response,
// a cancel with none, an unknown type or a bad shape get an `error` event.
class FakeOpenAiRealtime {
 public:
  explicit FakeOpenAiRealtime(FakeOpenAiRealtimeOptions options = {});
  ~FakeOpenAiRealtime();
  FakeOpenAiRealtime(const FakeOpenAiRealtime&) = delete;
  FakeOpenAiRealtime& operator=(const FakeOpenAiRealtime&) = delete;

  // ws(s)://127.0.0.1:port/v1/realtime
  [[nodiscard]] std::string url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeOpenAiRealtimeOptions& options() const { return options_; }

  // The WebSocket sessions asked for (refused ones included).
  [[nodiscard]] std::vector<FakeRealtimeConnection> connections() const;
  // TCP connections accepted, whether or not they asked for a WebSocket.
  [[nodiscard]] std::size_t tcp_connections() const { return server_.log().connections_accepted(); }
  // Blocks until `done(connections())` holds or `timeout` passes; returns the last check.
  bool wait_for(const std::function<bool(const std::vector<FakeRealtimeConnection>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // Caller audio: `length` of a loud 300 Hz tone (speech to the VAD) or of silence, μ-law 8 kHz.
  [[nodiscard]] static std::string speech(std::chrono::milliseconds length);
  [[nodiscard]] static std::string silence(std::chrono::milliseconds length);

 private:
  FakeOpenAiRealtimeOptions options_;
  std::shared_ptr<detail::FakeOpenAiRealtimeState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
