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
struct FakeCartesiaState;
}  // namespace detail

// ---- speech-to-text (/stt/websocket) ----

// The fake "hears" words written into the audio, as the fake Deepgram does: a run of samples
// carrying code k (a μ-law or A-law byte 1..126, or a PCM16 sample value 1..126) is the word
// vocabulary[k - 1]; silence and any other value are not speech. So the words a stream hears
// depend only on the audio it was sent, wherever that audio starts.
struct FakeCartesiaSttOptions {
  std::vector<std::string> vocabulary = {"hello", "there", "I",   "would",   "like",   "a",
                                         "table", "for",   "two", "tonight", "please", "thanks"};
  std::chrono::milliseconds min_word{40};  // a shorter run is noise
  // Silence after words that ends a segment (a final); max_silence_duration_secs overrides it.
  std::chrono::milliseconds segment_silence{300};
  std::chrono::milliseconds latency{0};  // every message waits this long first
  // No audio for this long: the server closes the socket with 1000 (Cartesia: 20 s).
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(20)};

  // Refuse the upgrade of the first `reject_connections` streams with this status and
  // Cartesia's error body.
  int reject_status = 0;
  std::size_t reject_connections = static_cast<std::size_t>(-1);
  // Drop the TCP connection (no close frame) of the first `drop_connections` streams once they
  // have received this many audio bytes.
  std::optional<std::size_t> drop_after_bytes;
  std::size_t drop_connections = 1;
  // Send `malformed_text` once a stream has received this many audio bytes.
  std::optional<std::size_t> malformed_after_bytes;
  std::string malformed_text = R"({"type":"transcript","is_final":)";
  // Send {"type":"error"} with this status once the first `error_connections` streams have
  // received `error_after_bytes`, then close with 1011.
  std::optional<std::size_t> error_after_bytes;
  int error_status = 500;
  std::size_t error_connections = 1;
};

// What the fake saw on one speech-to-text stream.
struct FakeCartesiaSttStream {
  std::uint64_t connection_id = 0;
  std::optional<std::string> api_key;  // the X-API-Key header
  std::optional<std::string> version;  // Cartesia-Version header or cartesia_version query
  std::vector<std::pair<std::string, std::string>> query;
  bool rejected = false;
  bool accepted = false;
  std::string audio;  // every audio byte received, in order
  std::size_t audio_frames = 0;
  std::size_t empty_frames = 0;
  std::vector<std::string> commands;  // the client's text messages, in order
  std::vector<std::string> sent;      // the fake's messages, in order
  bool dropped = false;               // by the drop_after_bytes knob
  std::optional<std::uint16_t> server_close_code;
  std::optional<std::uint16_t> client_close_code;
  bool ended = false;  // the connection is gone

  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  [[nodiscard]] std::size_t count_command(std::string_view command) const;
  // The messages sent of this type ("transcript", "flush_done", ...).
  [[nodiscard]] std::size_t count_sent(std::string_view type) const;
};

// ---- text-to-speech (/tts/websocket) ----

// How the fake answers one generation: a flush, or the end of a context's input. The fault
// knobs count that generation's audio chunks.
struct FakeCartesiaReply {
  std::chrono::milliseconds time_to_first_chunk{0};
  std::chrono::milliseconds chunk_interval{0};
  std::size_t chunk_bytes = 320;  // raw audio bytes per chunk (40 ms of μ-law 8 kHz)

  // Not 0: after `error_after` chunks, {"type":"error","status_code":error_status,...} for the
  // context instead of the rest, and the context is over.
  int error_status = 0;
  std::string error_message;
  std::size_t error_after = 0;
  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after N chunks
  std::optional<std::size_t> malformed_after;   // a message that is not JSON after N chunks
  std::optional<std::size_t> stall_after;       // nothing more for this generation after N

  static FakeCartesiaReply error(int status, std::string message, std::size_t after = 0);
};

struct FakeCartesiaTtsOptions {
  // The voices the account may use; any other id is an error on the context.
  std::vector<std::string> voice_ids = {"f786b574-daa5-4673-aa0c-cbe3e8534c02",
                                        "a0e99841-438c-4a64-b679-ae501e7d6091"};
  std::vector<std::string> models = {"sonic-3", "sonic-2", "sonic-turbo", "sonic"};
  FakeCartesiaReply default_reply;
  std::chrono::milliseconds audio_per_character{10};  // audio made per character of text
  // Refuse the upgrade of the first `reject_connections` sockets with this status (and a
  // Retry-After of `retry_after_seconds` when set).
  int reject_status = 0;
  std::size_t reject_connections = static_cast<std::size_t>(-1);
  std::optional<int> retry_after_seconds;
  // No message from the client and nothing to send for this long: the socket closes (1000).
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
};

// One context as the fake saw it.
struct FakeCartesiaContext {
  std::uint64_t connection_id = 0;
  std::string context_id;
  std::vector<std::string> inputs;  // the client's messages on this context, in order
  std::string text;                 // every character spoken (billed)
  std::size_t flushes = 0;
  std::size_t chunks_sent = 0;
  bool input_ended = false;  // continue:false arrived
  bool cancelled = false;
  bool done_sent = false;
  std::string error;  // the error the fake sent for it; empty when none
};

// One text-to-speech socket as the fake saw it.
struct FakeCartesiaTtsSocket {
  std::uint64_t connection_id = 0;
  std::optional<std::string> api_key;
  std::optional<std::string> version;
  std::vector<std::pair<std::string, std::string>> query;
  bool rejected = false;
  std::vector<std::string> messages;  // the client's messages, in order
  bool ended = false;
};

struct FakeCartesiaOptions {
  bool tls = false;
  std::string api_key = "sk_car_fake_0123456789abcdef";
  std::vector<std::string> versions = {"2024-11-13", "2025-04-16", "2026-03-01"};
  FakeCartesiaSttOptions stt;
  FakeCartesiaTtsOptions tts;
};

// Cartesia's speech-to-text and text-to-speech WebSockets on one FakeServer, started on
// construction. Both check the key (X-API-Key, or api_key in the query: 401 otherwise) and the
// version (Cartesia-Version or cartesia_version: 400 when missing or unknown).
//
// - /stt/websocket: checks model, encoding (pcm_s16le, pcm_mulaw, pcm_alaw) and sample_rate
//   (400); transcribes by the audio's codes (see FakeCartesiaSttOptions) with timing taken from
//   the audio received: an interim transcript each time a word is heard, a final (the segment's
//   text, words timed in seconds since the stream opened) once segment_silence follows the last
//   word. "finalize" makes whatever was heard final and answers flush_done; "done" or "close"
//   does the same, then answers done and closes with 1000. Other text is recorded and ignored.
// - /tts/websocket: many contexts on one socket. A generation request must carry context_id,
//   model_id, voice {mode:"id", id}, output_format {container:"raw", encoding, sample_rate} and
//   transcript, the same on every input of a context (errors otherwise). Text is buffered until
//   flush:true (answered by flush_done with the context's flush_id, which then grows) or the
//   end of input (continue false or absent, answered by done); then a tone of the requested
//   format, proportional to the text, goes out as chunk messages, then a timestamps message.
//   {"context_id","cancel":true} stops the context at once: nothing more is sent for it.
class FakeCartesia {
 public:
  explicit FakeCartesia(FakeCartesiaOptions options = {});
  ~FakeCartesia();
  FakeCartesia(const FakeCartesia&) = delete;
  FakeCartesia& operator=(const FakeCartesia&) = delete;

  // ws(s)://127.0.0.1:PORT/stt/websocket and /tts/websocket.
  [[nodiscard]] std::string stt_url() const;
  [[nodiscard]] std::string tts_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeCartesiaOptions& options() const { return options_; }

  [[nodiscard]] std::vector<FakeCartesiaSttStream> stt_streams() const;
  // Audio in which the fake hears `words`: each `word` long, followed by `gap` of silence.
  // `encoding` is "pcm_s16le", "pcm_mulaw" or "pcm_alaw".
  [[nodiscard]] std::string speech(const std::vector<std::string>& words,
                                   std::chrono::milliseconds word = std::chrono::milliseconds(300),
                                   std::chrono::milliseconds gap = std::chrono::milliseconds(100),
                                   int sample_rate = 16000,
                                   std::string_view encoding = "pcm_s16le") const;
  [[nodiscard]] static std::string silence(std::chrono::milliseconds length,
                                           int sample_rate = 16000,
                                           std::string_view encoding = "pcm_s16le");

  // Replies are used in the order queued, one per generation; then the default reply.
  void enqueue(FakeCartesiaReply reply);
  // The audio the fake speaks for `text` ("pcm_mulaw", "pcm_alaw" or "pcm_s16le").
  [[nodiscard]] std::string audio_for(std::string_view text,
                                      std::string_view encoding = "pcm_mulaw",
                                      int sample_rate = 8000) const;
  [[nodiscard]] std::vector<FakeCartesiaTtsSocket> tts_sockets() const;
  [[nodiscard]] std::vector<FakeCartesiaContext> contexts() const;
  [[nodiscard]] std::size_t characters_spoken() const;

 private:
  FakeCartesiaOptions options_;
  std::shared_ptr<detail::FakeCartesiaState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
