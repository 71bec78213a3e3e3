#include "fakes/fake_deepgram.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <variant>

#include "fakes/fake_stream_records.hpp"
#include "fakes/fake_ws_writer.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace detail {

struct FakeDeepgramState : FakeStreamRecords<FakeDeepgramStream> {};

}  // namespace detail

namespace {

constexpr std::int64_t kMaxCode = 126;

// The query a stream was opened with, as the fake understands it.
struct StreamParams {
  std::string encoding = "linear16";
  int sample_rate = 16000;
  bool interim_results = false;
  std::optional<std::int64_t> endpointing_ms = 10;
  std::optional<std::int64_t> utterance_end_ms;
  bool vad_events = false;
};

std::optional<std::string> param(const FakeRequest& request, std::string_view name) {
  return request.query_param(name);
}

// The parameters, or the reason the real service would answer 400.
std::variant<StreamParams, std::string> parse_params(const FakeRequest& request) {
  StreamParams params;
  const auto encoding = param(request, "encoding");
  const auto rate = param(request, "sample_rate");
  if (encoding) {
    if (*encoding != "mulaw" && *encoding != "alaw" && *encoding != "linear16") {
      return "unsupported encoding " + *encoding;
    }
    if (!rate) return std::string("sample_rate is required with encoding");
    params.encoding = *encoding;
  }
  if (rate) {
    try {
      params.sample_rate = std::stoi(*rate);
    } catch (const std::exception&) {
      return "bad sample_rate " + *rate;
    }
    if (params.sample_rate < 8000 || params.sample_rate > 48000) return "bad sample_rate " + *rate;
  }
  params.interim_results = param(request, "interim_results") == "true";
  params.vad_events = param(request, "vad_events") == "true";
  if (const auto endpointing = param(request, "endpointing")) {
    if (*endpointing == "false") {
      params.endpointing_ms.reset();
    } else {
      try {
        params.endpointing_ms = std::stoll(*endpointing);
      } catch (const std::exception&) {
        return "bad endpointing " + *endpointing;
      }
    }
  }
  if (const auto utterance_end = param(request, "utterance_end_ms")) {
    try {
      params.utterance_end_ms = std::stoll(*utterance_end);
    } catch (const std::exception&) {
      return "bad utterance_end_ms " + *utterance_end;
    }
    if (*params.utterance_end_ms < 1000) return std::string("utterance_end_ms must be >= 1000");
    if (!params.interim_results) return std::string("utterance_end_ms needs interim_results");
  }
  return params;
}

struct Heard {
  std::string word;
  std::int64_t start = 0;  // samples
  std::int64_t end = 0;
};

// One stream's "speech recognition": words from runs of coded samples, with Deepgram's turn
// messages timed by the audio received.
class Recognizer {
 public:
  Recognizer(const FakeDeepgramOptions& options, StreamParams params, std::string request_id)
      : options_(options),
        params_(std::move(params)),
        request_id_(std::move(request_id)),
        bytes_per_sample_(params_.encoding == "linear16" ? 2 : 1),
        step_(std::max(1, params_.sample_rate / 100)),
        min_word_(samples(options.min_word.count())) {}

  void feed(std::string_view bytes, std::vector<std::string>& out) {
    for (const char byte : bytes) {
      partial_.push_back(static_cast<std::uint8_t>(byte));
      if (partial_.size() < bytes_per_sample_) continue;
      const auto code = code_of();
      partial_.clear();
      if (code != run_code_) {
        end_run();
        run_code_ = code;
        run_start_ = now_;
        run_taken_ = false;
        if (code != 0 && !speaking_) {
          speaking_ = true;
          if (params_.vad_events) out.push_back(speech_started(now_));
        }
      }
      ++now_;
      if (now_ % step_ == 0) evaluate(out);
    }
    evaluate(out);
  }

  // Finalize (from_finalize) or the end of the stream: whatever was heard becomes final.
  void flush(bool from_finalize, std::vector<std::string>& out) {
    if (auto current = in_progress()) {
      pending_.push_back(std::move(*current));
      run_taken_ = true;
      heard_word(now_);
    }
    if (pending_.empty() && !from_finalize) return;
    out.push_back(results(pending_, true, false, from_finalize));
    pending_.clear();
    cursor_ = now_;
    interim_words_ = 0;
  }

  [[nodiscard]] std::string metadata() const {
    json::object message{
        {"type", "Metadata"}, {"transaction_key", "deprecated"},       {"request_id", request_id_},
        {"sha256", "0"},      {"created", "2030-01-01T00:00:00.000Z"}, {"duration", seconds(now_)},
        {"channels", 1}};
    return json::serialize(message);
  }

 private:
  [[nodiscard]] std::int64_t samples(std::int64_t ms) const {
    return ms * params_.sample_rate / 1000;
  }
  [[nodiscard]] double seconds(std::int64_t sample) const {
    return static_cast<double>(sample) / params_.sample_rate;
  }

  [[nodiscard]] std::int64_t code_of() const {
    std::int64_t value = partial_[0];
    if (bytes_per_sample_ == 2) {
      value =
          static_cast<std::int16_t>(static_cast<std::uint16_t>(partial_[0] | (partial_[1] << 8U)));
    }
    const auto known =
        std::min<std::int64_t>(kMaxCode, static_cast<std::int64_t>(options_.vocabulary.size()));
    return value >= 1 && value <= known ? value : 0;
  }

  void heard_word(std::int64_t end) {
    last_word_end_ = end;
    utterance_open_ = true;
  }

  void end_run() {
    if (run_code_ != 0 && !run_taken_ && now_ - run_start_ >= min_word_) {
      pending_.push_back(
          {options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_});
      heard_word(now_);
    }
  }

  [[nodiscard]] std::optional<Heard> in_progress() const {
    if (run_code_ == 0 || run_taken_ || now_ - run_start_ < min_word_) return std::nullopt;
    return Heard{options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_};
  }

  void evaluate(std::vector<std::string>& out) {
    auto words = pending_;
    if (auto current = in_progress()) words.push_back(std::move(*current));
    if (params_.interim_results && words.size() > interim_words_) {
      out.push_back(results(words, false, false, false));
      interim_words_ = words.size();
    }
    const bool silent = run_code_ == 0;
    if (!silent) return;
    if (params_.endpointing_ms && !pending_.empty() &&
        now_ - pending_.back().end >= samples(*params_.endpointing_ms)) {
      out.push_back(results(pending_, true, true, false));
      close_segment();
    }
    if (params_.utterance_end_ms && utterance_open_ &&
        now_ - last_word_end_ >= samples(*params_.utterance_end_ms)) {
      if (!pending_.empty()) {
        out.push_back(results(pending_, true, false, false));
        close_segment();
      }
      json::object message{{"type", "UtteranceEnd"},
                           {"channel", json::array{0, 1}},
                           {"last_word_end", seconds(last_word_end_)}};
      out.push_back(json::serialize(message));
      utterance_open_ = false;
      speaking_ = false;
    }
  }

  void close_segment() {
    pending_.clear();
    cursor_ = now_;
    interim_words_ = 0;
    speaking_ = false;
  }

  [[nodiscard]] std::string speech_started(std::int64_t at) const {
    json::object message{
        {"type", "SpeechStarted"}, {"channel", json::array{0, 1}}, {"timestamp", seconds(at)}};
    return json::serialize(message);
  }

  [[nodiscard]] std::string results(const std::vector<Heard>& words, bool is_final,
                                    bool speech_final, bool from_finalize) const {
    std::string transcript;
    json::array listed;
    for (const auto& heard : words) {
      transcript += (transcript.empty() ? "" : " ") + heard.word;
      listed.push_back(json::object{{"word", heard.word},
                                    {"start", seconds(heard.start)},
                                    {"end", seconds(heard.end)},
                                    {"confidence", 0.98},
                                    {"punctuated_word", heard.word}});
    }
    json::object alternative{{"transcript", transcript},
                             {"confidence", words.empty() ? 0.0 : 0.98},
                             {"words", std::move(listed)}};
    json::object message{
        {"type", "Results"},
        {"channel_index", json::array{0, 1}},
        {"duration", seconds(now_ - cursor_)},
        {"start", seconds(cursor_)},
        {"is_final", is_final},
        {"speech_final", speech_final},
        {"from_finalize", from_finalize},
        {"channel", json::object{{"alternatives", json::array{std::move(alternative)}}}},
        {"metadata",
         json::object{
             {"request_id", request_id_},
             {"model_info", json::object{{"name", "fake"}, {"version", "0"}, {"arch", "fake"}}},
             {"model_uuid", "00000000-0000-0000-0000-000000000000"}}}};
    return json::serialize(message);
  }

  const FakeDeepgramOptions& options_;
  StreamParams params_;
  std::string request_id_;
  std::size_t bytes_per_sample_;
  std::int64_t step_;
  std::int64_t min_word_;
  std::vector<std::uint8_t> partial_;  // bytes of a sample split across frames

  std::int64_t now_ = 0;     // samples received
  std::int64_t cursor_ = 0;  // where the next final starts
  std::int64_t run_code_ = 0;
  std::int64_t run_start_ = 0;
  bool run_taken_ = false;  // the run's word was already flushed by Finalize
  std::vector<Heard> pending_;
  std::size_t interim_words_ = 0;
  std::int64_t last_word_end_ = 0;
  bool utterance_open_ = false;
  bool speaking_ = false;
};

std::string request_id_for(std::uint64_t connection_id) {
  return "fake-request-" + std::to_string(connection_id);
}

FakeResponse rejection(int status, const std::string& request_id) {
  std::string code = "Bad Request";
  std::string message = "Bad request.";
  if (status == 401 || status == 403) {
    code = "INVALID_AUTH";
    message = "Invalid credentials.";
  } else if (status == 429) {
    code = "TOO_MANY_REQUESTS";
    message = "Too many requests. Please try again later";
  } else if (status >= 500) {
    code = "INTERNAL_SERVER_ERROR";
    message = "Something went wrong.";
  }
  json::object body{{"err_code", code}, {"err_msg", message}, {"request_id", request_id}};
  return {
      status,
      {{"Content-Type", "application/json"}, {"dg-error", message}, {"dg-request-id", request_id}},
      json::serialize(body)};
}

std::string control_type(std::string_view text) {
  boost::system::error_code error;
  const auto parsed = json::parse(text, error);
  if (error || !parsed.is_object()) return "(not JSON)";
  const auto* type = parsed.as_object().if_contains("type");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : "(no type)";
}

asio::awaitable<void> serve_stream(FakeWebSocket& socket, const FakeDeepgramOptions& options,
                                   std::shared_ptr<detail::FakeDeepgramState> state) {
  const auto& request = socket.request();
  FakeDeepgramStream record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.query = request.query;
  const auto index = state->add(std::move(record));
  const auto request_id = request_id_for(request.connection_id);

  std::optional<int> refuse;
  if (request.header("Authorization") != "Token " + options.api_key) {
    refuse = 401;
  } else if (options.reject_status != 0 && index < options.reject_connections) {
    refuse = options.reject_status;
  }
  auto parsed = parse_params(request);
  if (!refuse && std::holds_alternative<std::string>(parsed)) refuse = 400;
  if (refuse) {
    state->update(index, [](FakeDeepgramStream& s) {
      s.rejected = true;
      s.ended = true;
    });
    auto response = rejection(*refuse, request_id);
    co_await socket.reject(std::move(response));
    co_return;
  }
  co_await socket.accept();

  Recognizer recognizer(options, std::get<StreamParams>(std::move(parsed)), request_id);
  const auto executor = co_await asio::this_coro::executor;
  FakeWsWriter outbox(
      socket, executor,
      [&state, index](const FakeWsWriter::Item& item) {
        state->update(index, [&item](FakeDeepgramStream& s) {
          if (item.close_code) {
            s.server_close_code = item.close_code;
          } else {
            s.sent.push_back(item.text);
          }
        });
      },
      FakeWsWriter::IdleClose{options.idle_timeout, 1011, "NET-0001"});

  std::vector<std::string> out;
  const auto send_all = [&] {
    for (auto& text : out) outbox.push(std::move(text), options.latency);
    out.clear();
  };
  const auto end_stream = [&] {
    recognizer.flush(false, out);
    out.push_back(recognizer.metadata());
    send_all();
    outbox.close(1000, {}, options.latency);
  };
  std::size_t audio_bytes = 0;
  bool malformed_sent = false;
  while (auto message = co_await socket.receive()) {
    outbox.touch();
    if (outbox.closing()) continue;
    if (message->binary) {
      const auto size = message->data.size();
      audio_bytes += size;
      state->update(index, [size](FakeDeepgramStream& s) {
        s.audio_bytes += size;
        ++s.audio_frames;
        if (size == 0) ++s.empty_frames;
      });
      if (size == 0) {
        end_stream();
        continue;
      }
      recognizer.feed(message->data, out);
      send_all();
      if (options.malformed_after_bytes && !malformed_sent &&
          audio_bytes >= *options.malformed_after_bytes) {
        malformed_sent = true;
        outbox.push(options.malformed_text, options.latency);
      }
      if (options.drop_after_bytes && index < options.drop_connections &&
          audio_bytes >= *options.drop_after_bytes) {
        state->update(index, [](FakeDeepgramStream& s) { s.dropped = true; });
        socket.disconnect();
        break;
      }
      continue;
    }
    const auto type = control_type(message->data);
    state->update(index, [&type](FakeDeepgramStream& s) { s.control.push_back(type); });
    if (type == "Finalize") {
      recognizer.flush(true, out);
      send_all();
    } else if (type == "CloseStream") {
      end_stream();
    }
  }
  const auto client_code = socket.peer_close_code();
  state->update(index, [client_code](FakeDeepgramStream& s) { s.client_close_code = client_code; });
  co_await outbox.finish();
  state->update(index, [](FakeDeepgramStream& s) { s.ended = true; });
}

void append_sample(std::string& audio, std::int64_t value, std::string_view encoding) {
  if (encoding == "linear16") {
    const auto sample = static_cast<std::uint16_t>(static_cast<std::int16_t>(value));
    audio.push_back(static_cast<char>(sample & 0xFFU));
    audio.push_back(static_cast<char>(sample >> 8U));
  } else {
    audio.push_back(static_cast<char>(static_cast<std::uint8_t>(value)));
  }
}

std::int64_t silence_value(std::string_view encoding) {
  if (encoding == "mulaw") return 0xFF;
  if (encoding == "alaw") return 0xD5;
  return 0;
}

}  // namespace

std::optional<std::string> FakeDeepgramStream::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::size_t FakeDeepgramStream::count_control(std::string_view type) const {
  return static_cast<std::size_t>(std::count(control.begin(), control.end(), type));
}

FakeDeepgram::FakeDeepgram(FakeDeepgramOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeDeepgramState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_websocket("/v1/listen",
                       [this, state = state_](FakeWebSocket& socket) -> asio::awaitable<void> {
                         co_await serve_stream(socket, options_, state);
                       });
  server_.start();
}

FakeDeepgram::~FakeDeepgram() {
  server_.stop();
}

std::string FakeDeepgram::url() const {
  return server_.ws_url("/v1/listen");
}

std::vector<FakeDeepgramStream> FakeDeepgram::streams() const {
  return state_->snapshot();
}

bool FakeDeepgram::wait_for(const std::function<bool(const std::vector<FakeDeepgramStream>&)>& done,
                            milliseconds timeout) const {
  return state_->wait_for(done, timeout);
}

std::string FakeDeepgram::speech(const std::vector<std::string>& words, milliseconds word,
                                 milliseconds gap, int sample_rate,
                                 std::string_view encoding) const {
  std::string audio;
  const auto word_samples = word.count() * sample_rate / 1000;
  for (const auto& spoken : words) {
    const auto found = std::find(options_.vocabulary.begin(), options_.vocabulary.end(), spoken);
    if (found == options_.vocabulary.end() || found - options_.vocabulary.begin() >= kMaxCode) {
      throw std::invalid_argument("the fake Deepgram's vocabulary has no word " + spoken);
    }
    const auto code = (found - options_.vocabulary.begin()) + 1;
    for (std::int64_t i = 0; i < word_samples; ++i) append_sample(audio, code, encoding);
    audio += silence(gap, sample_rate, encoding);
  }
  return audio;
}

std::string FakeDeepgram::silence(milliseconds length, int sample_rate, std::string_view encoding) {
  std::string audio;
  const auto count = length.count() * sample_rate / 1000;
  for (std::int64_t i = 0; i < count; ++i) append_sample(audio, silence_value(encoding), encoding);
  return audio;
}

}  // namespace patter::fakes
