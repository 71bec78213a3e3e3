#include "fakes/fake_elevenlabs_convai.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <cmath>
#include <deque>
#include <mutex>
#include <numbers>
#include <set>

#include "audio/codec.hpp"
#include "core/base64.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

std::optional<std::string> FakeConvAiConversation::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string> FakeConvAiConversation::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::size_t FakeConvAiConversation::count(std::string_view type) const {
  std::size_t found = 0;
  for (const auto& message : messages) {
    boost::system::error_code error;
    const auto parsed = json::parse(message, error);
    const auto* object = error ? nullptr : parsed.if_object();
    if (object == nullptr) continue;
    if (object->contains("user_audio_chunk")) {
      found += type == "user_audio_chunk" ? 1 : 0;
      continue;
    }
    const auto* kind = object->if_contains("type");
    if (kind != nullptr && kind->is_string() && kind->as_string() == type) ++found;
  }
  return found;
}

namespace detail {

struct FakeConvAiState {
  mutable std::mutex mutex;
  std::vector<FakeConvAiConversation> conversations;
  std::set<std::string> signatures;  // issued, not yet used
  std::uint64_t next_signature = 1;
  std::size_t signed_url_requests = 0;

  std::size_t add(FakeConvAiConversation conversation) {
    const std::lock_guard lock(mutex);
    conversations.push_back(std::move(conversation));
    return conversations.size() - 1;
  }
  template <typename Fn>
  void update(std::size_t index, Fn change) {
    const std::lock_guard lock(mutex);
    change(conversations[index]);
  }
  void count_signed_url_request() {
    const std::lock_guard lock(mutex);
    ++signed_url_requests;
  }
  std::string issue_signature() {
    const std::lock_guard lock(mutex);
    auto signature = "sig_fake_" + std::to_string(next_signature++);
    signatures.insert(signature);
    return signature;
  }
  bool take_signature(const std::string& signature) {
    const std::lock_guard lock(mutex);
    return signatures.erase(signature) == 1;
  }
};

}  // namespace detail

namespace {

using State = detail::FakeConvAiState;
using Options = FakeElevenLabsConvAiOptions;

constexpr double kToneHz = 440.0;
constexpr double kAgentAmplitude = 6000.0;
constexpr double kCallerAmplitude = 8000.0;
// Audio of an interrupted response that was still in flight: quieter, so tests can tell it
// from the response's own audio.
constexpr double kStaleAmplitude = 2000.0;
constexpr milliseconds kStaleAudio{50};
constexpr std::string_view kConversationPath = "/v1/convai/conversation";

std::optional<AudioFormat> format_named(std::string_view name) {
  if (name == "ulaw_8000") return kTelephonyMulaw;
  for (const int rate : {8000, 16000, 22050, 24000, 44100, 48000}) {
    if (name == "pcm_" + std::to_string(rate)) return AudioFormat{Encoding::pcm16_le, rate};
  }
  return std::nullopt;
}

std::string tone(std::size_t samples, AudioFormat format, double amplitude) {
  std::vector<std::int16_t> linear(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    linear[i] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2.0 * std::numbers::pi * kToneHz * static_cast<double>(i) /
                                         format.sample_rate)));
  }
  std::string bytes(samples * format.bytes_per_sample(), '\0');
  audio::encode_samples(format.encoding, linear,
                        {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  return bytes;
}

std::string agent_audio(std::string_view text, AudioFormat format, milliseconds per_character) {
  return tone(format.samples_in(per_character * static_cast<long>(text.size())), format,
              kAgentAmplitude);
}

std::string base64(std::string_view bytes) {
  return core::encode_base64({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

FakeResponse error_response(int status, std::string_view code, std::string_view message) {
  return FakeResponse{status,
                      {{"Content-Type", "application/json"}},
                      json::serialize(json::object{
                          {"detail", json::object{{"status", code}, {"message", message}}}})};
}

std::optional<FakeResponse> check_key(const FakeRequest& request, const Options& options) {
  const auto key = request.header("xi-api-key");
  if (!key) {
    return error_response(401, "needs_authorization",
                          "Neither authorization header nor xi-api-key received, please provide "
                          "one.");
  }
  if (*key != options.api_key) return error_response(401, "invalid_api_key", "Invalid API key");
  return std::nullopt;
}

std::optional<FakeResponse> check_agent(const FakeRequest& request, const Options& options) {
  if (request.query_param("agent_id") == options.agent_id) return std::nullopt;
  return error_response(404, "agent_not_found", "The agent was not found.");
}

const json::object* object_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? value->if_object() : nullptr;
}

std::string string_at(const json::object* object, std::string_view key) {
  const auto* value = object != nullptr ? object->if_contains(key) : nullptr;
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

// The server's messages, sent in order by one writer.
struct Outbox {
  struct Item {
    std::string text;
    bool audio = false;
    std::optional<std::uint16_t> close_code;  // a close frame with `text` as its reason
  };

  explicit Outbox(const asio::any_io_executor& executor) : wake(executor) {}

  void push(std::string text, bool audio = false) {
    items.push_back({std::move(text), audio, std::nullopt});
    wake.cancel();
  }
  void close(std::uint16_t code, std::string reason) {
    items.push_back({std::move(reason), false, code});
    wake.cancel();
  }
  void stop() {
    stopped = true;
    wake.cancel();
  }

  std::deque<Item> items;
  asio::steady_timer wake;
  bool stopped = false;
  bool broken = false;  // closed, dropped or a send failed: nothing more goes out
};

// One conversation after the upgrade. Its coroutines all run on the server's thread.
class Conversation {
 public:
  Conversation(FakeWebSocket& ws, std::shared_ptr<State> state, const Options& options,
               std::size_t index, const asio::any_io_executor& executor)
      : ws_(ws),
        state_(std::move(state)),
        options_(options),
        index_(index),
        executor_(executor),
        outbox_(executor) {}

  asio::awaitable<void> run() {
    spawn(write_loop());
    co_await converse();
    stopping_ = true;
    outbox_.stop();
    while (tasks_ > 0) co_await sleep_for(milliseconds(1));
    const auto code = ws_.peer_close_code();
    state_->update(index_, [code](FakeConvAiConversation& c) {
      c.client_close_code = code;
      c.ended = true;
    });
  }

 private:
  template <typename Awaitable>
  void spawn(Awaitable work) {
    ++tasks_;
    asio::co_spawn(executor_, std::move(work), [this](const std::exception_ptr&) { --tasks_; });
  }

  // ---- the conversation ----

  asio::awaitable<void> converse() {
    auto first = co_await receive();
    if (!first) co_return;
    if (!initiate(*first)) {
      co_await drain();
      co_return;
    }
    if (options_.send_metadata) {
      outbox_.push(metadata_message());
      if (options_.malformed_messages) push_malformed();
      if (!first_message_.empty()) start_response(first_message_);
    }
    if (options_.ping_interval > milliseconds::zero()) spawn(ping_loop());
    for (;;) {
      auto message = co_await receive();
      if (!message) break;
      handle(*message);
    }
  }

  asio::awaitable<std::optional<std::string>> receive() {
    auto next = ws_.receive();
    auto message = co_await std::move(next);
    if (!message) co_return std::nullopt;
    state_->update(index_, [&](FakeConvAiConversation& c) { c.messages.push_back(message->data); });
    if (message->binary) {
      problem("a binary message");
      co_return std::string();
    }
    co_return std::move(message->data);
  }

  asio::awaitable<void> drain() {
    for (;;) {
      auto message = co_await receive();
      if (!message) break;
    }
  }

  // Checks the initiation message and settles the formats; false when the fake closed.
  bool initiate(const std::string& text) {
    state_->update(index_, [&](FakeConvAiConversation& c) { c.initiation = text; });
    boost::system::error_code error;
    const auto parsed = json::parse(text, error);
    const auto* message = error ? nullptr : parsed.if_object();
    if (message == nullptr || string_at(message, "type") != "conversation_initiation_client_data") {
      close_with("The first message must be conversation_initiation_client_data");
      return false;
    }
    if (!options_.close_after_initiation.empty()) {
      close_with(options_.close_after_initiation);
      return false;
    }
    const auto* overrides = object_at(*message, "conversation_config_override");
    const auto* agent = overrides != nullptr ? object_at(*overrides, "agent") : nullptr;
    const auto* tts = overrides != nullptr ? object_at(*overrides, "tts") : nullptr;
    const auto* asr = overrides != nullptr ? object_at(*overrides, "asr") : nullptr;
    output_name_ = string_at(tts, "output_format");
    input_name_ = string_at(asr, "input_format");
    if (output_name_.empty() || options_.force_pcm_output) {
      output_name_ = options_.force_pcm_output ? "pcm_16000" : options_.agent_output_format;
    }
    if (input_name_.empty() || options_.force_pcm_input) {
      input_name_ = options_.force_pcm_input ? "pcm_16000" : options_.agent_input_format;
    }
    const auto output = format_named(output_name_);
    const auto input = format_named(input_name_);
    if (!output || !input) {
      close_with("Unsupported audio format");
      return false;
    }
    output_ = *output;
    input_ = *input;
    const auto* first_message = agent != nullptr ? agent->if_contains("first_message") : nullptr;
    first_message_ = first_message != nullptr && first_message->is_string()
                         ? std::string(first_message->as_string())
                         : options_.agent_first_message;
    state_->update(index_, [this](FakeConvAiConversation& c) {
      c.output_format = output_name_;
      c.input_format = input_name_;
    });
    return true;
  }

  void close_with(const std::string& reason) {
    state_->update(index_, [&](FakeConvAiConversation& c) { c.rejection = reason; });
    outbox_.close(1008, reason);
  }

  std::string metadata_message() const {
    return json::serialize(
        json::object{{"type", "conversation_initiation_metadata"},
                     {"conversation_initiation_metadata_event",
                      json::object{{"conversation_id", "conv_fake_" + std::to_string(index_ + 1)},
                                   {"agent_output_audio_format", output_name_},
                                   {"user_input_audio_format", input_name_}}}});
  }

  void push_malformed() {
    outbox_.push("this is not JSON");
    outbox_.push(
        R"({"type":"audio","audio_event":{"audio_base_64":"%%not base64%%","event_id":1}})");
    outbox_.push(R"({"type":"interruption"})");
    outbox_.push(R"({"no_type":true})");
    outbox_.push(R"({"type":"vad_score","vad_score_event":{"vad_score":0.12}})");
  }

  void handle(const std::string& text) {
    if (text.empty()) return;
    boost::system::error_code error;
    const auto parsed = json::parse(text, error);
    const auto* message = error ? nullptr : parsed.if_object();
    if (message == nullptr) {
      problem("a message that is not a JSON object");
      return;
    }
    if (const auto* chunk = message->if_contains("user_audio_chunk")) {
      hear(chunk->is_string() ? std::string_view(chunk->as_string()) : std::string_view("!"));
      return;
    }
    const auto type = string_at(message, "type");
    if (type == "pong") {
      const auto* id = message->if_contains("event_id");
      if (id == nullptr || !id->is_int64()) {
        problem("a pong without a numeric event_id");
        return;
      }
      const auto event_id = id->as_int64();
      if (std::find(pings_.begin(), pings_.end(), event_id) == pings_.end()) {
        problem("a pong for event " + std::to_string(event_id) + " that was never pinged");
      }
      state_->update(index_,
                     [event_id](FakeConvAiConversation& c) { c.pongs.push_back(event_id); });
    } else if (type == "client_tool_result") {
      tool_result(*message, text);
    } else if (type == "user_message") {
      const auto said = string_at(message, "text");
      state_->update(index_, [&](FakeConvAiConversation& c) { c.user_messages.push_back(said); });
      next_turn(true);
    } else if (type == "user_activity" || type == "contextual_update") {
      return;
    } else {
      problem("an unexpected message: " + text.substr(0, 120));
    }
  }

  // ---- the caller's audio ----

  void hear(std::string_view encoded) {
    const auto decoded = core::decode_base64(encoded);
    if (!decoded) {
      problem("a user_audio_chunk that is not base64");
      return;
    }
    const auto size = decoded->size();
    state_->update(index_, [size](FakeConvAiConversation& c) {
      ++c.user_audio_chunks;
      c.user_audio_bytes += size;
    });
    const auto samples = size / input_.bytes_per_sample();
    if (samples == 0) return;
    std::vector<std::int16_t> linear(samples);
    audio::decode_samples(input_.encoding, {decoded->data(), samples * input_.bytes_per_sample()},
                          linear);
    double level = 0.0;
    for (const auto sample : linear) level += std::abs(static_cast<double>(sample));
    level /= static_cast<double>(samples);
    const auto duration = input_.duration_of(samples);
    if (level > options_.speech_level) {
      if (!in_speech_) caller_started();
      in_speech_ = true;
      silence_ = {};
      return;
    }
    if (!in_speech_) return;
    silence_ += duration;
    if (silence_ >= options_.end_of_speech) {
      in_speech_ = false;
      next_turn(false);
    }
  }

  void caller_started() {
    if (!playing()) return;
    const auto id = response_id_;
    interrupted_ = true;
    state_->update(index_, [id](FakeConvAiConversation& c) { c.interruptions.push_back(id); });
    outbox_.push(json::serialize(json::object{
        {"type", "interruption"}, {"interruption_event", json::object{{"event_id", id}}}}));
    if (options_.audio_after_interruption) {
      outbox_.push(
          audio_message(id, tone(output_.samples_in(kStaleAudio), output_, kStaleAmplitude)), true);
    }
    const auto elapsed = std::chrono::steady_clock::now() - response_started_;
    const auto heard = std::clamp(
        static_cast<double>(elapsed.count()) / static_cast<double>(response_length_.count()), 0.0,
        1.0);
    const auto cut = static_cast<std::size_t>(heard * static_cast<double>(response_text_.size()));
    outbox_.push(json::serialize(
        json::object{{"type", "agent_response_correction"},
                     {"agent_response_correction_event",
                      json::object{{"original_agent_response", response_text_},
                                   {"corrected_agent_response", response_text_.substr(0, cut)}}}}));
  }

  [[nodiscard]] bool playing() const {
    return response_id_ != 0 && !interrupted_ &&
           std::chrono::steady_clock::now() < response_started_ + response_length_;
  }

  // ---- the agent's turns ----

  void next_turn(bool from_text) {
    if (next_turn_ >= options_.turns.size()) return;
    const auto& turn = options_.turns[next_turn_++];
    if (!from_text) {
      outbox_.push(json::serialize(json::object{
          {"type", "user_transcript"},
          {"user_transcription_event", json::object{{"user_transcript", turn.user_transcript}}}}));
    }
    if (!turn.tool_call) {
      start_response(turn.agent_response);
      return;
    }
    pending_tool_ = turn;
    boost::system::error_code error;
    auto parameters = json::parse(turn.tool_call->parameters_json, error);
    if (error) parameters = json::object{};
    outbox_.push(json::serialize(
        json::object{{"type", "client_tool_call"},
                     {"client_tool_call", json::object{{"tool_name", turn.tool_call->name},
                                                       {"tool_call_id", turn.tool_call->call_id},
                                                       {"parameters", std::move(parameters)}}}}));
  }

  void tool_result(const json::object& message, const std::string& text) {
    state_->update(index_, [&](FakeConvAiConversation& c) { c.tool_results.push_back(text); });
    if (!pending_tool_) {
      problem("a client_tool_result nobody asked for");
      return;
    }
    const auto* is_error = message.if_contains("is_error");
    const auto* result = message.if_contains("result");
    if (string_at(&message, "tool_call_id") != pending_tool_->tool_call->call_id) {
      problem("a client_tool_result for another tool_call_id");
      return;
    }
    if (result == nullptr || !result->is_string() || is_error == nullptr || !is_error->is_bool()) {
      problem("a client_tool_result without a string result and a boolean is_error");
      return;
    }
    const auto answer = pending_tool_->agent_response;
    pending_tool_.reset();
    start_response(answer);
  }

  void start_response(const std::string& text) {
    response_id_ = next_event_id();
    response_text_ = text;
    interrupted_ = false;
    response_started_ = std::chrono::steady_clock::now();
    response_length_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        options_.audio_per_character * static_cast<long>(text.size()));
    state_->update(index_, [&text](FakeConvAiConversation& c) { c.spoken.push_back(text); });
    outbox_.push(json::serialize(
        json::object{{"type", "agent_response"},
                     {"agent_response_event", json::object{{"agent_response", text}}}}));
    spawn(speak(response_id_, agent_audio(text, output_, options_.audio_per_character)));
  }

  asio::awaitable<void> speak(std::int64_t id, std::string audio) {
    const auto step = std::max<std::size_t>(output_.bytes_in(options_.audio_per_event),
                                            output_.bytes_per_sample());
    for (std::size_t offset = 0; offset < audio.size(); offset += step) {
      if (stopping_ || response_id_ != id || interrupted_) break;
      outbox_.push(audio_message(id, audio.substr(offset, step)), true);
      if (options_.event_interval > milliseconds::zero())
        co_await sleep_for(options_.event_interval);
    }
  }

  static std::string audio_message(std::int64_t id, std::string_view audio) {
    return json::serialize(json::object{
        {"type", "audio"},
        {"audio_event", json::object{{"audio_base_64", base64(audio)}, {"event_id", id}}}});
  }

  asio::awaitable<void> ping_loop() {
    while (!stopping_) {
      co_await sleep_for(options_.ping_interval);
      if (stopping_) break;
      const auto id = next_event_id();
      pings_.push_back(id);
      state_->update(index_, [id](FakeConvAiConversation& c) { c.pings.push_back(id); });
      json::value ping_ms = nullptr;
      if (options_.ping_ms) ping_ms = *options_.ping_ms;
      outbox_.push(json::serialize(json::object{
          {"type", "ping"}, {"ping_event", json::object{{"event_id", id}, {"ping_ms", ping_ms}}}}));
    }
  }

  std::int64_t next_event_id() { return ++last_event_id_; }

  void problem(std::string what) {
    state_->update(index_,
                   [&](FakeConvAiConversation& c) { c.problems.push_back(std::move(what)); });
  }

  // ---- writing ----

  asio::awaitable<void> write_loop() {
    for (;;) {
      if (!outbox_.items.empty() && !outbox_.broken) {
        auto item = std::move(outbox_.items.front());
        outbox_.items.pop_front();
        try {
          if (item.close_code) {
            outbox_.broken = true;
            co_await ws_.close(*item.close_code, item.text);
            continue;
          }
          co_await ws_.send_text(item.text);
          if (item.audio) sent_audio_event();
        } catch (const boost::system::system_error&) {
          outbox_.broken = true;
        }
        continue;
      }
      if (outbox_.stopped) break;
      outbox_.wake.expires_at(SteadyTime::max());
      boost::system::error_code ignored;
      co_await outbox_.wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }

  void sent_audio_event() {
    ++audio_events_;
    state_->update(index_, [](FakeConvAiConversation& c) { ++c.audio_events; });
    if (options_.drop_after_audio_events && audio_events_ >= *options_.drop_after_audio_events) {
      outbox_.broken = true;
      ws_.disconnect();
    }
  }

  FakeWebSocket& ws_;
  std::shared_ptr<State> state_;
  const Options& options_;
  std::size_t index_;
  asio::any_io_executor executor_;
  Outbox outbox_;
  int tasks_ = 0;
  bool stopping_ = false;

  std::string output_name_;
  std::string input_name_;
  AudioFormat output_{};
  AudioFormat input_{};
  std::string first_message_;

  std::int64_t last_event_id_ = 0;
  std::vector<std::int64_t> pings_;
  std::size_t audio_events_ = 0;

  std::int64_t response_id_ = 0;
  std::string response_text_;
  bool interrupted_ = false;
  SteadyTime response_started_{};
  std::chrono::steady_clock::duration response_length_{};

  bool in_speech_ = false;
  std::chrono::nanoseconds silence_{};
  std::size_t next_turn_ = 0;
  std::optional<FakeConvAiTurn> pending_tool_;
};

asio::awaitable<void> serve_conversation(FakeWebSocket& ws, std::shared_ptr<State> state,
                                         const Options& options) {
  const auto& request = ws.request();
  FakeConvAiConversation record;
  record.connection_id = request.connection_id;
  record.query = request.query;
  record.headers = request.headers;
  std::optional<FakeResponse> refusal;
  if (options.reject_status != 0) {
    refusal =
        error_response(options.reject_status, "refused", "The fake refuses this conversation.");
  } else if (const auto signature = request.query_param("conversation_signature")) {
    record.signed_url = true;
    if (!state->take_signature(*signature)) {
      refusal = error_response(401, "invalid_signature", "The conversation signature is invalid.");
    }
  } else {
    refusal = check_key(request, options);
  }
  if (!refusal) refusal = check_agent(request, options);
  if (refusal) {
    record.rejection = "HTTP " + std::to_string(refusal->status);
    record.ended = true;
    state->add(std::move(record));
    co_await ws.reject(std::move(*refusal));
    co_return;
  }
  const auto index = state->add(std::move(record));
  co_await ws.accept();
  const auto executor = co_await asio::this_coro::executor;
  Conversation conversation(ws, state, options, index, executor);
  co_await conversation.run();
}

asio::awaitable<void> serve_signed_url(FakeHttpExchange& exchange, std::shared_ptr<State> state,
                                       const Options& options, const FakeServer& server) {
  const auto& request = exchange.request();
  state->count_signed_url_request();
  auto refusal = check_key(request, options);
  if (!refusal) refusal = check_agent(request, options);
  if (refusal) {
    co_await exchange.respond(std::move(*refusal));
    co_return;
  }
  const auto signature = state->issue_signature();
  const auto url = server.ws_url(std::string(kConversationPath) + "?agent_id=" + options.agent_id +
                                 "&conversation_signature=" + signature);
  FakeResponse answer{200,
                      {{"Content-Type", "application/json"}},
                      json::serialize(json::object{{"signed_url", url}})};
  co_await exchange.respond(std::move(answer));
}

}  // namespace

FakeElevenLabsConvAi::FakeElevenLabsConvAi(FakeElevenLabsConvAiOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeConvAiState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_http("GET", std::string(kConversationPath) + "/get-signed-url",
                  [this](FakeHttpExchange& exchange) {
                    return serve_signed_url(exchange, state_, options_, server_);
                  });
  server_.on_websocket(std::string(kConversationPath), [this](FakeWebSocket& ws) {
    return serve_conversation(ws, state_, options_);
  });
  server_.start();
}

FakeElevenLabsConvAi::~FakeElevenLabsConvAi() {
  server_.stop();
}

std::string FakeElevenLabsConvAi::base_url() const {
  return server_.url("");
}

std::vector<FakeConvAiConversation> FakeElevenLabsConvAi::conversations() const {
  const std::lock_guard lock(state_->mutex);
  return state_->conversations;
}

std::size_t FakeElevenLabsConvAi::signed_url_requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->signed_url_requests;
}

std::string FakeElevenLabsConvAi::audio_for(std::string_view text, std::string_view format) const {
  const auto named = format_named(format);
  if (!named) throw std::invalid_argument("the fake cannot speak " + std::string(format));
  return agent_audio(text, *named, options_.audio_per_character);
}

std::string FakeElevenLabsConvAi::caller_speech(milliseconds duration) {
  return tone(kTelephonyMulaw.samples_in(duration), kTelephonyMulaw, kCallerAmplitude);
}

std::string FakeElevenLabsConvAi::caller_silence(milliseconds duration) {
  return std::string(kTelephonyMulaw.bytes_in(duration), static_cast<char>(0xFF));
}

}  // namespace patter::fakes
