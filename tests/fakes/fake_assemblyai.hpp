#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeAssemblyAiState;
}  // namespace detail

// The fake "hears" words written into the audio, as FakeDeepgram does: a run of samples carrying
// code k (a μ-law byte 1..126, or a PCM16 sample value 1..126) is the word vocabulary[k - 1];
// silence and any other value are not speech. So the words a session hears depend only on the
// audio it was sent, wherever that audio starts, as with the real service.
struct FakeAssemblyAiOptions {
  bool tls = false;
  std::string api_key = "aai-test-key";
  std::vector<std::string> vocabulary = {"hello", "there", "I",   "would",   "like",   "a",
                                         "table", "for",   "two", "tonight", "please", "thanks"};
  // A run shorter than this is noise, not a word.
  std::chrono::milliseconds min_word{40};
  // Every message the fake sends waits this long first (processing and network delay).
  std::chrono::milliseconds latency{0};
  // How sure the fake is that a pause ends the turn: at or above the session's
  // end_of_turn_confidence_threshold the turn ends after min_turn_silence, else after
  // max_turn_silence.
  double end_of_turn_confidence = 0.9;
  // With format_turns=true, never send the formatted Turn that should follow an ended turn.
  bool omit_formatted_turns = false;

  // Refuse the handshake of the first `reject_connections` sessions with this status (401, 403,
  // 429, 400, 503, ...) and a {"error": "..."} body.
  int reject_status = 0;
  std::size_t reject_connections = static_cast<std::size_t>(-1);
  // Accept the first `close_connections` sessions, then send {"type":"Error"} with this code and
  // text and close with the code (1008 not authorized, 3005 server error, 3009 too many
  // sessions, ...).
  std::optional<std::uint16_t> close_code;
  std::string close_error = "Session Cancelled: An error occurred";
  std::size_t close_connections = 1;
  // Drop the TCP connection (no close frame) of the first `drop_connections` sessions once they
  // have received this many audio bytes.
  std::optional<std::size_t> drop_after_bytes;
  std::size_t drop_connections = 1;
  // Send `malformed_text` once a session has received this many audio bytes.
  std::optional<std::size_t> malformed_after_bytes;
  std::string malformed_text = R"({"type":"Turn","turn_order":)";
};

// What the fake saw on one session.
struct FakeAssemblyAiStream {
  std::uint64_t connection_id = 0;
  std::string authorization;
  std::vector<std::pair<std::string, std::string>> query;
  bool rejected = false;
  std::string audio;  // every audio byte received, in order
  std::size_t audio_frames = 0;
  std::vector<double> frame_ms;      // the audio length of each binary frame
  std::vector<std::string> control;  // types of the client's text messages, in order
  std::vector<std::string> sent;     // the fake's messages, in order
  bool dropped = false;              // by the drop_after_bytes knob
  std::optional<std::uint16_t> server_close_code;
  std::optional<std::uint16_t> client_close_code;
  bool ended = false;  // the connection is gone

  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  [[nodiscard]] std::size_t count_control(std::string_view type) const;
  [[nodiscard]] std::size_t count_sent(std::string_view fragment) const;
};

// AssemblyAI's Universal Streaming endpoint (/v3/ws, WebSocket) on a FakeServer, started on
// construction. Checks `Authorization: <api_key>` or `?token=<api_key>` (401 otherwise) and the
// query (400 without speech_model or sample_rate, for an unknown encoding, a threshold outside
// 0..1 or a keyterms_prompt that is not a JSON list of strings). Sends Begin, then transcribes by
// the audio's codes (see FakeAssemblyAiOptions) with timing taken from the audio received:
// SpeechStarted when a word begins a turn, a partial Turn whenever the turn's words change, an
// ended Turn after the pause the end-of-turn settings ask for (and a formatted one with
// format_turns=true). ForceEndpoint ends a turn with words at once; Terminate ends it, sends
// Termination and closes with 1000. A binary frame outside 50..1000 ms of audio gets Error 3007
// and a 3007 close; text that is not a known message gets Error 3006 and a 3006 close.
class FakeAssemblyAi {
 public:
  explicit FakeAssemblyAi(FakeAssemblyAiOptions options = {});
  ~FakeAssemblyAi();
  FakeAssemblyAi(const FakeAssemblyAi&) = delete;
  FakeAssemblyAi& operator=(const FakeAssemblyAi&) = delete;

  // ws(s)://127.0.0.1:port/v3/ws
  [[nodiscard]] std::string url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  // TCP connections accepted, WebSocket or not (a warmup that stops after TLS counts).
  [[nodiscard]] std::size_t connections_accepted() const { return server_.log().connections_accepted(); }
  [[nodiscard]] const FakeAssemblyAiOptions& options() const { return options_; }

  [[nodiscard]] std::vector<FakeAssemblyAiStream> streams() const;
  // Blocks until `done(streams())` holds or `timeout` passes; returns the last check.
  bool wait_for(const std::function<bool(const std::vector<FakeAssemblyAiStream>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // Audio in which the fake hears `words`: each `word` long, followed by `gap` of silence.
  // `encoding` is "pcm_mulaw" or "pcm_s16le".
  [[nodiscard]] std::string speech(const std::vector<std::string>& words,
                                   std::chrono::milliseconds word = std::chrono::milliseconds(300),
                                   std::chrono::milliseconds gap = std::chrono::milliseconds(100),
                                   int sample_rate = 8000,
                                   std::string_view encoding = "pcm_mulaw") const;
  [[nodiscard]] static std::string silence(std::chrono::milliseconds length, int sample_rate = 8000,
                                           std::string_view encoding = "pcm_mulaw");

 private:
  FakeAssemblyAiOptions options_;
  std::shared_ptr<detail::FakeAssemblyAiState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
