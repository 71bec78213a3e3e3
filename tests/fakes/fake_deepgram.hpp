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
struct FakeDeepgramState;
}  // namespace detail

// The fake "hears" words written into the audio: a run of samples carrying code k (a μ-law or
// A-law byte 1..126, or a PCM16 sample value 1..126) is the word vocabulary[k - 1]; silence and
// any other value are not speech. So the words a stream hears depend only on the audio it was
// sent, wherever that audio starts, as with the real service.
struct FakeDeepgramOptions {
  bool tls = false;
  std::string api_key = "dg-test-key";
  std::vector<std::string> vocabulary = {"hello", "there", "I",   "would",   "like",   "a",
                                         "table", "for",   "two", "tonight", "please", "thanks"};
  // A run shorter than this is noise, not a word.
  std::chrono::milliseconds min_word{40};
  // Every message the fake sends waits this long first (processing and network delay).
  std::chrono::milliseconds latency{0};
  // No audio and no KeepAlive for this long: the stream closes with 1011 NET-0001.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};

  // Refuse the handshake of the first `reject_connections` streams with this status (401, 403,
  // 429, 400, ...) and Deepgram's {"err_code","err_msg","request_id"} body.
  int reject_status = 0;
  std::size_t reject_connections = static_cast<std::size_t>(-1);
  // Drop the TCP connection (no close frame) of the first `drop_connections` streams once they
  // have received this many audio bytes.
  std::optional<std::size_t> drop_after_bytes;
  std::size_t drop_connections = 1;
  // Send `malformed_text` once a stream has received this many audio bytes.
  std::optional<std::size_t> malformed_after_bytes;
  std::string malformed_text = R"({"type":"Results","channel":)";
};

// What the fake saw on one stream.
struct FakeDeepgramStream {
  std::uint64_t connection_id = 0;
  std::string authorization;
  std::vector<std::pair<std::string, std::string>> query;
  bool rejected = false;
  std::size_t audio_bytes = 0;
  std::size_t audio_frames = 0;
  std::size_t empty_frames = 0;
  std::vector<std::string> control;  // types of the client's text messages, in order
  std::vector<std::string> sent;     // the fake's messages, in order
  bool dropped = false;              // by the drop_after_bytes knob
  std::optional<std::uint16_t> server_close_code;
  std::optional<std::uint16_t> client_close_code;
  bool ended = false;  // the connection is gone

  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  [[nodiscard]] std::size_t count_control(std::string_view type) const;
};

// Deepgram's live transcription endpoint (/v1/listen, WebSocket) on a FakeServer, started on
// construction. Checks `Authorization: Token <api_key>` (401 otherwise) and the query (400 for
// encoding without sample_rate, or utterance_end_ms under 1000); transcribes by the audio's codes
// (see FakeDeepgramOptions) with timing taken from the audio received: interim Results while a
// word goes on (interim_results=true), a final with speech_final once `endpointing` ms of silence
// follow the last word, UtteranceEnd after `utterance_end_ms` of it, SpeechStarted with
// vad_events=true. Finalize flushes a final with from_finalize; CloseStream and an empty binary
// frame flush, send Metadata and close with 1000; KeepAlive keeps an idle stream open.
class FakeDeepgram {
 public:
  explicit FakeDeepgram(FakeDeepgramOptions options = {});
  ~FakeDeepgram();
  FakeDeepgram(const FakeDeepgram&) = delete;
  FakeDeepgram& operator=(const FakeDeepgram&) = delete;

  // ws(s)://127.0.0.1:port/v1/listen
  [[nodiscard]] std::string url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeDeepgramOptions& options() const { return options_; }

  [[nodiscard]] std::vector<FakeDeepgramStream> streams() const;
  // Blocks until `done(streams())` holds or `timeout` passes; returns the last check.
  bool wait_for(const std::function<bool(const std::vector<FakeDeepgramStream>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // Audio in which the fake hears `words`: each `word` long, followed by `gap` of silence.
  // `encoding` is "mulaw", "alaw" or "linear16".
  [[nodiscard]] std::string speech(const std::vector<std::string>& words,
                                   std::chrono::milliseconds word = std::chrono::milliseconds(300),
                                   std::chrono::milliseconds gap = std::chrono::milliseconds(100),
                                   int sample_rate = 8000,
                                   std::string_view encoding = "mulaw") const;
  [[nodiscard]] static std::string silence(std::chrono::milliseconds length, int sample_rate = 8000,
                                           std::string_view encoding = "mulaw");

 private:
  FakeDeepgramOptions options_;
  std::shared_ptr<detail::FakeDeepgramState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
