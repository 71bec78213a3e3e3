// The Realtime transcription socket of FakeOpenAiAudio.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cmath>

#include "audio/alaw.hpp"
#include "audio/mulaw.hpp"
#include "core/base64.hpp"
#include "fakes/fake_openai_audio_parts.hpp"

namespace patter::fakes::openai_audio {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

std::string event(json::object body, std::uint64_t& counter) {
  body["event_id"] = "event_fake_" + std::to_string(++counter);
  return json::serialize(body);
}
// ---- Realtime transcription socket ----

struct Outgoing {
  SteadyTime due;
  std::string text;
};

// The socket's messages, sent in order by one writer, each no earlier than its due time.
struct Outbox {
  explicit Outbox(const asio::any_io_executor& executor) : wake(executor) {}
  void push(std::string text, milliseconds delay = milliseconds(0)) {
    items.push_back({std::chrono::steady_clock::now() + delay, std::move(text)});
    wake.cancel();
  }
  std::deque<Outgoing> items;
  asio::steady_timer wake;
  bool stopped = false;
  bool broken = false;
};

asio::awaitable<void> write_loop(FakeWebSocket& socket, Outbox& outbox,
                                 const std::shared_ptr<State>& state, std::size_t index) {
  while (!outbox.broken && !(outbox.stopped && outbox.items.empty())) {
    if (!outbox.items.empty() && outbox.items.front().due <= std::chrono::steady_clock::now()) {
      auto item = std::move(outbox.items.front());
      outbox.items.pop_front();
      boost::system::error_code parse_error;
      const auto parsed = json::parse(item.text, parse_error);
      std::string type = "(malformed)";
      if (!parse_error && parsed.is_object()) {
        if (const auto* value = parsed.as_object().if_contains("type"); value && value->is_string())
          type = std::string(value->as_string());
      }
      state->locked([&] { state->sockets[index].sent.push_back(type); });
      try {
        co_await socket.send_text(item.text);
      } catch (const std::exception&) {
        outbox.broken = true;
      }
      continue;
    }
    if (outbox.stopped) break;
    outbox.wake.expires_at(outbox.items.empty() ? SteadyTime::max() : outbox.items.front().due);
    boost::system::error_code ignored;
    co_await outbox.wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// One socket's session: its configuration, its energy VAD and what it heard.
class TranscriptionSession {
 public:
  TranscriptionSession(const FakeOpenAiAudioOptions& options, std::shared_ptr<State> state,
                       std::size_t index, Outbox& outbox)
      : options_(options),
        state_(std::move(state)),
        index_(index),
        outbox_(outbox),
        words_(options, 24000) {}

  void opened() {
    outbox_.push(
        event({{"type", "transcription_session.created"}, {"session", session_json()}}, events_));
  }

  void handle(std::string_view text) {
    boost::system::error_code parse_error;
    const auto parsed = json::parse(text, parse_error);
    if (parse_error || !parsed.is_object()) {
      record_received("(not JSON)");
      return error("invalid_request_error", "invalid_json",
                   "We could not parse the JSON body of your request.");
    }
    const auto& message = parsed.as_object();
    const auto* type_value = message.if_contains("type");
    const std::string type = type_value != nullptr && type_value->is_string()
                                 ? std::string(type_value->as_string())
                                 : std::string("(no type)");
    record_received(type);
    if (type == "transcription_session.update") return update(message);
    if (type == "input_audio_buffer.append") return append(message);
    if (type == "input_audio_buffer.commit") return commit();
    if (type == "input_audio_buffer.clear") {
      buffer_start_ = samples_;
      words_.take();
      speaking_ = false;
      outbox_.push(event({{"type", "input_audio_buffer.cleared"}}, events_));
      return;
    }
    error("invalid_request_error", "invalid_value",
          "Invalid value: '" + type +
              "'. Supported values are: 'transcription_session.update', "
              "'input_audio_buffer.append', "
              "'input_audio_buffer.commit' and 'input_audio_buffer.clear'.",
          "type");
  }

  [[nodiscard]] std::size_t audio_bytes() const { return audio_bytes_; }

  void error(std::string_view type, std::string_view code, std::string_view message,
             std::string_view param = {}) {
    json::object details{{"type", type},
                         {"code", code.empty() ? json::value(nullptr) : json::value(code)},
                         {"message", message},
                         {"param", param.empty() ? json::value(nullptr) : json::value(param)},
                         {"event_id", nullptr}};
    state_->locked([&] { state_->sockets[index_].errors.emplace_back(code); });
    outbox_.push(event({{"type", "error"}, {"error", std::move(details)}}, events_));
  }

 private:
  void record_received(const std::string& type) {
    state_->locked([&] { state_->sockets[index_].received.push_back(type); });
  }

  [[nodiscard]] int sample_rate() const { return format_ == "pcm16" ? 24000 : 8000; }
  [[nodiscard]] std::size_t bytes_per_sample() const { return format_ == "pcm16" ? 2 : 1; }
  [[nodiscard]] double ms_of(std::int64_t samples) const {
    return static_cast<double>(samples) * 1000.0 / sample_rate();
  }
  [[nodiscard]] std::int64_t samples_of(int ms) const {
    return static_cast<std::int64_t>(ms) * sample_rate() / 1000;
  }

  json::object session_json() const {
    json::object transcription{{"model", model_}, {"language", language_}, {"prompt", prompt_}};
    json::value turn_detection = nullptr;
    if (vad_) {
      turn_detection = json::object{{"type", "server_vad"},
                                    {"threshold", threshold_},
                                    {"prefix_padding_ms", prefix_padding_ms_},
                                    {"silence_duration_ms", silence_duration_ms_}};
    }
    return json::object{{"id", "sess_fake_" + std::to_string(index_)},
                        {"object", "realtime.transcription_session"},
                        {"input_audio_format", format_},
                        {"input_audio_transcription", std::move(transcription)},
                        {"turn_detection", std::move(turn_detection)}};
  }

  void update(const json::object& message) {
    const auto* session_value = message.if_contains("session");
    if (session_value == nullptr || !session_value->is_object()) {
      return error("invalid_request_error", "missing_required_parameter",
                   "Missing required parameter: 'session'.", "session");
    }
    const auto& session = session_value->as_object();
    auto format = format_;
    if (const auto* value = session.if_contains("input_audio_format")) {
      if (!value->is_string() ||
          (value->as_string() != "pcm16" && value->as_string() != "g711_ulaw" &&
           value->as_string() != "g711_alaw")) {
        return error("invalid_request_error", "invalid_value",
                     "Invalid value for 'session.input_audio_format'. Supported values are: "
                     "'pcm16', 'g711_ulaw', and 'g711_alaw'.",
                     "session.input_audio_format");
      }
      format = std::string(value->as_string());
    }
    auto model = model_;
    auto language = language_;
    auto prompt = prompt_;
    if (const auto* value = session.if_contains("input_audio_transcription");
        value != nullptr && value->is_object()) {
      const auto& transcription = value->as_object();
      if (const auto* m = transcription.if_contains("model"); m && m->is_string()) {
        model = std::string(m->as_string());
      }
      if (model != "gpt-4o-transcribe" && model != "gpt-4o-mini-transcribe" &&
          model != "whisper-1") {
        return error("invalid_request_error", "invalid_value",
                     "Invalid value: '" + model +
                         "'. Supported values are: 'whisper-1', 'gpt-4o-transcribe', and "
                         "'gpt-4o-mini-transcribe'.",
                     "session.input_audio_transcription.model");
      }
      if (const auto* l = transcription.if_contains("language"); l && l->is_string()) {
        language = std::string(l->as_string());
      }
      if (const auto* p = transcription.if_contains("prompt"); p && p->is_string()) {
        prompt = std::string(p->as_string());
      }
    }
    auto vad = vad_;
    if (const auto* value = session.if_contains("turn_detection")) {
      if (value->is_null()) {
        vad = false;
      } else if (value->is_object()) {
        const auto& detection = value->as_object();
        const auto* kind = detection.if_contains("type");
        if (kind == nullptr || !kind->is_string() || kind->as_string() != "server_vad") {
          return error("invalid_request_error", "invalid_value",
                       "This fake only runs turn_detection type 'server_vad'.",
                       "session.turn_detection.type");
        }
        vad = true;
        if (const auto* t = detection.if_contains("threshold"); t && t->is_number()) {
          threshold_ = t->to_number<double>();
        }
        if (const auto* p = detection.if_contains("prefix_padding_ms"); p && p->is_number()) {
          prefix_padding_ms_ = p->to_number<int>();
        }
        if (const auto* s = detection.if_contains("silence_duration_ms"); s && s->is_number()) {
          silence_duration_ms_ = s->to_number<int>();
        }
      }
    }
    updated_ = true;
    format_ = std::move(format);
    model_ = std::move(model);
    language_ = std::move(language);
    prompt_ = std::move(prompt);
    vad_ = vad;
    words_ = WordListener(options_, sample_rate());
    state_->locked([&] {
      auto& record = state_->sockets[index_];
      record.session_updates.push_back(json::serialize(session));
      record.input_audio_format = format_;
      record.model = model_;
      record.language = language_;
      record.prompt = prompt_;
    });
    outbox_.push(
        event({{"type", "transcription_session.updated"}, {"session", session_json()}}, events_));
  }

  void append(const json::object& message) {
    const auto* audio = message.if_contains("audio");
    if (audio == nullptr || !audio->is_string()) {
      return error("invalid_request_error", "missing_required_parameter",
                   "Missing required parameter: 'audio'.", "audio");
    }
    const auto bytes = core::decode_base64(audio->as_string());
    if (!bytes) {
      return error("invalid_request_error", "invalid_value",
                   "Invalid 'audio'. Expected base64-encoded audio bytes.", "audio");
    }
    const bool before_update = !updated_;
    state_->locked([&] {
      auto& record = state_->sockets[index_];
      ++record.appends;
      if (bytes->empty()) ++record.empty_appends;
      if (before_update) ++record.appends_before_update;
      record.audio.append(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    });
    if (bytes->empty()) {
      return error("invalid_request_error", "invalid_value",
                   "Invalid 'audio'. Expected non-empty audio.", "audio");
    }
    audio_bytes_ += bytes->size();
    for (const auto byte : *bytes) feed_byte(byte);
  }

  void feed_byte(std::uint8_t byte) {
    partial_.push_back(byte);
    if (partial_.size() < bytes_per_sample()) return;
    std::int16_t linear = 0;
    int code = 0;
    if (format_ == "pcm16") {
      linear =
          static_cast<std::int16_t>(static_cast<std::uint16_t>(partial_[0] | (partial_[1] << 8U)));
      code = audio::mulaw_encode(linear);
    } else {
      code = partial_[0];
      linear = format_ == "g711_alaw" ? audio::alaw_decode(partial_[0])
                                      : audio::mulaw_decode(partial_[0]);
    }
    partial_.clear();
    words_.feed(code);
    block_energy_ += static_cast<double>(linear) * linear;
    ++block_samples_;
    ++samples_;
    if (block_samples_ == sample_rate() / 100) {
      const bool voiced = std::sqrt(block_energy_ / block_samples_) >= options_.speech_rms;
      block_energy_ = 0.0;
      block_samples_ = 0;
      on_block(voiced);
    }
  }

  void on_block(bool voiced) {
    if (!vad_) return;
    if (voiced) {
      last_voiced_ = samples_;
      if (!speaking_) {
        speaking_ = true;
        item_id_ = next_item_id();
        const auto block_start = samples_ - sample_rate() / 100;
        const auto start = std::max(buffer_start_, block_start - samples_of(prefix_padding_ms_));
        outbox_.push(event({{"type", "input_audio_buffer.speech_started"},
                            {"audio_start_ms", static_cast<std::int64_t>(ms_of(start))},
                            {"item_id", item_id_}},
                           events_));
      }
      return;
    }
    if (speaking_ && samples_ - last_voiced_ >= samples_of(silence_duration_ms_)) {
      speaking_ = false;
      outbox_.push(event({{"type", "input_audio_buffer.speech_stopped"},
                          {"audio_end_ms", static_cast<std::int64_t>(ms_of(samples_))},
                          {"item_id", item_id_}},
                         events_));
      commit_item(item_id_);
    }
  }

  void commit() {
    state_->locked([&] { ++state_->sockets[index_].commits; });
    const auto buffered = ms_of(samples_ - buffer_start_);
    if (buffered < 100.0) {
      return error("invalid_request_error", "input_audio_buffer_commit_empty",
                   "Error committing input audio buffer: buffer too small. Expected at least "
                   "100ms of audio, but buffer only has " +
                       std::to_string(static_cast<int>(buffered)) + "ms of audio.");
    }
    const auto item = speaking_ ? item_id_ : next_item_id();
    speaking_ = false;
    commit_item(item);
  }

  void commit_item(const std::string& item) {
    outbox_.push(event({{"type", "input_audio_buffer.committed"},
                        {"previous_item_id", previous_item_.empty() ? json::value(nullptr)
                                                                    : json::value(previous_item_)},
                        {"item_id", item}},
                       events_));
    previous_item_ = item;
    buffer_start_ = samples_;
    const auto transcript = transcript_for(options_, *state_, words_.take());
    std::string said;
    std::size_t from = 0;
    while (from < transcript.size()) {
      const auto space = transcript.find(' ', from + 1);
      const auto piece =
          transcript.substr(from, space == std::string::npos ? std::string::npos : space - from);
      outbox_.push(event({{"type", "conversation.item.input_audio_transcription.delta"},
                          {"item_id", item},
                          {"content_index", 0},
                          {"delta", piece}},
                         events_),
                   options_.transcription_latency);
      from = space == std::string::npos ? transcript.size() : space;
    }
    outbox_.push(event({{"type", "conversation.item.input_audio_transcription.completed"},
                        {"item_id", item},
                        {"content_index", 0},
                        {"transcript", transcript}},
                       events_),
                 options_.transcription_latency);
  }

  std::string next_item_id() {
    return "item_fake_" + std::to_string(index_) + "_" + std::to_string(++items_);
  }

  const FakeOpenAiAudioOptions& options_;
  std::shared_ptr<State> state_;
  std::size_t index_;
  Outbox& outbox_;
  std::uint64_t events_ = 0;

  bool updated_ = false;
  std::string format_ = "pcm16";
  std::string model_ = "whisper-1";
  std::string language_;
  std::string prompt_;
  bool vad_ = true;
  double threshold_ = 0.5;
  int prefix_padding_ms_ = 300;
  int silence_duration_ms_ = 500;

  WordListener words_;
  std::vector<std::uint8_t> partial_;
  std::size_t audio_bytes_ = 0;
  std::int64_t samples_ = 0;
  std::int64_t buffer_start_ = 0;  // the sample after the last commit
  double block_energy_ = 0.0;
  int block_samples_ = 0;
  bool speaking_ = false;
  std::int64_t last_voiced_ = 0;
  std::string item_id_;
  std::string previous_item_;
  std::uint64_t items_ = 0;
};

}  // namespace

asio::awaitable<void> serve_transcription_socket(FakeWebSocket& socket,
                                                 const FakeOpenAiAudioOptions& options,
                                                 std::shared_ptr<State> state) {
  const auto& request = socket.request();
  FakeTranscriptionSocket record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.beta_header = request.header("OpenAI-Beta").value_or("");
  record.query = request.query;
  const auto index = state->locked([&] {
    state->sockets.push_back(std::move(record));
    return state->sockets.size() - 1;
  });

  std::optional<FakeResponse> refusal = check_key(request, options.api_key);
  if (!refusal && options.reject_status != 0 && index < options.reject_connections) {
    FakeHeaders headers;
    if (options.reject_status == 429) {
      headers.emplace_back("Retry-After", std::to_string(options.reject_retry_after_s));
      refusal = json_response(429,
                              error_body("requests", "rate_limit_exceeded",
                                         "Rate limit reached for realtime sessions."),
                              std::move(headers));
    } else {
      refusal = json_response(
          options.reject_status,
          error_body(options.reject_status >= 500 ? "server_error" : "invalid_request_error", "",
                     "The fake refused this session."));
    }
  }
  if (!refusal && request.query_param("intent") != "transcription") {
    refusal = invalid_request("Missing or invalid 'intent': this fake serves intent=transcription.",
                              "intent");
  }
  if (refusal) {
    state->locked([&] {
      state->sockets[index].rejected = true;
      state->sockets[index].ended = true;
    });
    co_await socket.reject(std::move(*refusal));
    co_return;
  }
  co_await socket.accept();

  const auto executor = co_await asio::this_coro::executor;
  Outbox outbox(executor);
  asio::steady_timer writer_done(executor, SteadyTime::max());
  bool writing = true;
  asio::co_spawn(executor, write_loop(socket, outbox, state, index),
                 [&writing, &writer_done](const std::exception_ptr&) {
                   writing = false;
                   writer_done.cancel();
                 });
  TranscriptionSession session(options, state, index, outbox);
  session.opened();
  bool malformed_sent = false;
  bool error_sent = false;
  while (auto message = co_await socket.receive()) {
    if (message->binary) {
      session.error("invalid_request_error", "invalid_value",
                    "Binary frames are not supported: send JSON events as text.");
      continue;
    }
    session.handle(message->data);
    const auto heard = session.audio_bytes();
    if (options.malformed_after_bytes && !malformed_sent &&
        heard >= *options.malformed_after_bytes) {
      malformed_sent = true;
      outbox.push(options.malformed_text);
    }
    if (options.error_after_bytes && index == 0 && !error_sent &&
        heard >= *options.error_after_bytes) {
      error_sent = true;
      session.error(options.error_event_type, options.error_event_code,
                    "The fake reports an error here.");
    }
    if (options.drop_after_bytes && index < options.drop_connections &&
        heard >= *options.drop_after_bytes) {
      state->locked([&] { state->sockets[index].dropped = true; });
      socket.disconnect();
      break;
    }
  }
  const auto client_code = socket.peer_close_code();
  state->locked([&] { state->sockets[index].client_close_code = client_code; });
  outbox.stopped = true;
  outbox.broken = outbox.broken || !client_code.has_value();
  outbox.wake.cancel();
  while (writing) {
    boost::system::error_code ignored;
    co_await writer_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  state->locked([&] { state->sockets[index].ended = true; });
}
}  // namespace patter::fakes::openai_audio
