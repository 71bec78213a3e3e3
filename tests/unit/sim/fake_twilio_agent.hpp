#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "carriers/twilio/media_messages.hpp"
#include "carriers/twilio/signature.hpp"
#include "fakes/fake_server.hpp"

namespace patter::sim::testing {

using SteadyTime = std::chrono::steady_clock::time_point;

struct FakeAgentOptions {
  std::string auth_token = "sim-test-token";
  std::map<std::string, std::string> twiml_parameters = {{"tenant", "acme"}};
  // Tone sent all at once right after start, followed by the mark "greeting".
  std::chrono::milliseconds greeting{0};
  // Tone sent `reply_delay` after each caller utterance ends, followed by the mark "reply".
  std::chrono::milliseconds reply{0};
  std::chrono::milliseconds reply_delay{0};
  // Caller speech while agent audio would still be playing gets a clear.
  bool clear_on_barge_in = false;
  // Closes the stream right after the start message.
  bool hang_up_after_start = false;
};

struct ReceivedMessage {
  SteadyTime at;
  carriers::twilio::MediaMessage message;
  std::uint64_t sequence_number = 0;  // 0 for connected
};

struct SentEvent {
  SteadyTime at;
  std::string what;  // "mark:<name>" or "clear"
};

// A minimal Twilio-protocol agent on a FakeServer: answers the voice webhook with
// <Connect><Stream> TwiML (checking X-Twilio-Signature), checks the upgrade's signature, and on
// the media socket greets, replies to caller speech and clears on barge-in as configured.
// Every message is parsed with the runtime's own Twilio parser.
class FakeTwilioAgent {
 public:
  explicit FakeTwilioAgent(FakeAgentOptions options);
  ~FakeTwilioAgent();

  [[nodiscard]] std::string webhook_url() const;
  [[nodiscard]] std::string stream_url() const;

  [[nodiscard]] std::optional<fakes::FakeRequest> webhook() const;
  [[nodiscard]] carriers::twilio::FormParams webhook_form() const;
  [[nodiscard]] carriers::twilio::SignatureCheck webhook_signature() const;
  [[nodiscard]] std::optional<carriers::twilio::SignatureCheck> stream_signature() const;
  [[nodiscard]] std::vector<ReceivedMessage> received() const;
  [[nodiscard]] std::vector<SentEvent> sent() const;
  [[nodiscard]] std::vector<std::string> errors() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  fakes::FakeServer server_;
};

// μ-law samples of a 440 Hz tone.
[[nodiscard]] std::vector<std::uint8_t> mulaw_tone(std::chrono::milliseconds duration);

}  // namespace patter::sim::testing
