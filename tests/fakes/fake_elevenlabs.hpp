#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeElevenLabsState;
}  // namespace detail

// How the fake answers one synthesis (an HTTP stream request or a stream-input socket). The
// fault knobs count audio chunks: HTTP body chunks, or WebSocket audio messages.
struct FakeElevenLabsReply {
  // Headers (or the socket's acceptance) go out at once; the first audio after this.
  std::chrono::milliseconds time_to_first_byte{0};
  std::chrono::milliseconds chunk_interval{0};
  std::size_t chunk_bytes = 320;  // raw audio bytes per chunk (40 ms of μ-law 8 kHz)

  // Not 200: ElevenLabs' error body {"detail":{"status","message"}} instead of audio; on the
  // WebSocket, the upgrade refused with it.
  int status = 200;
  std::string error_status;
  std::string error_message;
  FakeHeaders error_headers;

  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after this many chunks
  // Then something that is not audio: HTTP a broken chunk header, WebSocket a message that is not
  // JSON. The connection closes after it.
  std::optional<std::size_t> malformed_after;
  std::optional<std::size_t> stall_after;  // then nothing more until the client leaves
  // WebSocket: after the audio, {"message","error":ws_error,"code":1008} and a close with 1008
  // instead of isFinal.
  std::string ws_error;

  static FakeElevenLabsReply http_error(int status, std::string error_status,
                                        std::string message);
  // 429 too_many_concurrent_requests with Retry-After.
  static FakeElevenLabsReply rate_limited(int retry_after_seconds);
  static FakeElevenLabsReply server_error(int status = 500);
};

struct FakeElevenLabsOptions {
  bool tls = false;
  std::string api_key = "sk_fake_elevenlabs_0123456789abcdef";
  // The voices the account has; any other voice id is a 404 (routes are exact paths).
  std::vector<std::string> voice_ids = {"EXAVITQu4vr4xnSDxMaL", "21m00Tcm4TlvDq8ikWAM",
                                        "pNInz6obpgDQGcFmaJgB", "JBFqnCBsd6RMkjVDRZzb"};
  FakeElevenLabsReply default_reply;
  // Audio made per character of text (spaces at either end left out).
  std::chrono::milliseconds audio_per_character{10};
  // Stream-input: how long the server waits for more text; nullopt: the inactivity_timeout
  // query parameter (default 20 s).
  std::optional<std::chrono::milliseconds> inactivity_timeout;
};

// One synthesis as the fake saw it.
struct FakeTtsRequest {
  std::uint64_t connection_id = 0;  // equal ids: the same TCP connection
  bool websocket = false;
  std::string voice_id;
  std::vector<std::pair<std::string, std::string>> query;
  FakeHeaders headers;
  std::string body;                   // HTTP: the JSON body
  std::vector<std::string> messages;  // WebSocket: the client's messages, in order
  std::string text;                   // every character it was asked to speak
  // Why the fake answered 4xx (or closed with 1008) instead of speaking; empty otherwise.
  std::string rejection;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
};

// ElevenLabs text-to-speech on a FakeServer (plain or TLS), started on construction:
//
// - POST /v1/text-to-speech/{voice_id}/stream?output_format=...: checks xi-api-key (401), the
//   voice (404), output_format (422 unless ulaw_8000, alaw_8000 or pcm_*; MP3 is not produced),
//   the JSON body (text, model_id, voice_settings ranges: 422), then streams a deterministic tone
//   of the requested format whose length is proportional to the text, as chunks of raw bytes.
// - GET /v1/text-to-speech/{voice_id}/stream-input (WebSocket), one context per socket: the key
//   from the header (a wrong one refuses the upgrade) or the first message; the first message
//   must be the single-space BOS; text is buffered until flush:true or the EOS {"text":""}, then
//   spoken as {"audio":base64,"isFinal":null,"normalizedAlignment","alignment"} messages; after
//   EOS {"isFinal":true} and a close with 1000. Silence past the inactivity timeout gets
//   input_timeout_exceeded and a close with 1008, as do malformed messages
//   (invalid_input_message).
//
// Each synthesis is one coroutine on the server's thread, so hundreds of them cost little.
class FakeElevenLabs {
 public:
  explicit FakeElevenLabs(FakeElevenLabsOptions options = {});
  ~FakeElevenLabs();
  FakeElevenLabs(const FakeElevenLabs&) = delete;
  FakeElevenLabs& operator=(const FakeElevenLabs&) = delete;

  // http(s)://127.0.0.1:PORT, ElevenLabs' base URL.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] FakeServer& server() { return server_; }
  [[nodiscard]] const FakeElevenLabsOptions& options() const { return options_; }

  // Replies are used in the order queued, one per synthesis; then the default reply.
  void enqueue(FakeElevenLabsReply reply);

  // The audio the fake speaks for `text` in `output_format` ("ulaw_8000", "pcm_16000", ...).
  [[nodiscard]] std::string audio_for(std::string_view text, std::string_view output_format) const;

  [[nodiscard]] std::vector<FakeTtsRequest> requests() const;
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  [[nodiscard]] std::size_t connections() const { return server_.log().connections_accepted(); }
  // Characters spoken (billed) over all syntheses.
  [[nodiscard]] std::size_t characters_spoken() const;
  [[nodiscard]] std::size_t completed_streams() const;  // reached the end of their audio
  // Syntheses the client left before their end (a failed write or its close noticed it).
  [[nodiscard]] std::size_t client_disconnects() const;
  bool wait_for_client_disconnects(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  FakeElevenLabsOptions options_;
  std::shared_ptr<detail::FakeElevenLabsState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
