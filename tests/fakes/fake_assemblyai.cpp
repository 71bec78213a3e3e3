#include "fakes/fake_assemblyai.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <variant>

#include "fakes/fake_stream_records.hpp"
#include "fakes/fake_ws_writer.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace detail {

struct FakeAssemblyAiState : FakeStreamRecords<FakeAssemblyAiStream> {};

}  // namespace detail

namespace {

constexpr std::int64_t kMaxCode = 126;

// The query a session was opened with, as the fake understands it.
struct SessionParams {
  std::string encoding = "pcm_s16le";
  int sample_rate = 16000;
  bool format_turns = false;
  double end_of_turn_threshold = 0.4;
  std::int64_t min_turn_silence_ms = 400;
  std::int64_t max_turn_silence_ms = 1280;
};

std::optional<std::int64_t> integer(const std::string& text) {
  try {
    std::size_t used = 0;
    const auto value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The parameters, or the reason the real service would refuse the session.
std::variant<SessionParams, std::string> parse_params(const FakeRequest& request) {
  SessionParams params;
  const auto model = request.query_param("speech_model");
  if (!model || model->empty()) return std::string("speech_model is required");
  const auto rate = request.query_param("sample_rate");
  if (!rate) return std::string("sample_rate is required");
  const auto parsed_rate = integer(*rate);
  if (!parsed_rate || *parsed_rate < 8000 || *parsed_rate > 48000) {
    return "bad sample_rate " + *rate;
  }
  params.sample_rate = static_cast<int>(*parsed_rate);
  if (const auto encoding = request.query_param("encoding")) {
    if (*encoding != "pcm_s16le" && *encoding != "pcm_mulaw") {
      return "unsupported encoding " + *encoding;
    }
    params.encoding = *encoding;
  }
  if (const auto format = request.query_param("format_turns")) {
    if (*format != "true" && *format != "false") return "bad format_turns " + *format;
    params.format_turns = *format == "true";
  }
  if (const auto threshold = request.query_param("end_of_turn_confidence_threshold")) {
    try {
      params.end_of_turn_threshold = std::stod(*threshold);
    } catch (const std::exception&) {
      return "bad end_of_turn_confidence_threshold " + *threshold;
    }
    if (params.end_of_turn_threshold < 0.0 || params.end_of_turn_threshold > 1.0) {
      return "end_of_turn_confidence_threshold must be between 0 and 1";
    }
  }
  for (const auto* name : {"min_end_of_turn_silence_when_confident", "min_turn_silence"}) {
    if (const auto value = request.query_param(name)) {
      const auto ms = integer(*value);
      if (!ms || *ms < 0) return std::string("bad ") + name + " " + *value;
      params.min_turn_silence_ms = *ms;
    }
  }
  if (const auto value = request.query_param("max_turn_silence")) {
    const auto ms = integer(*value);
    if (!ms || *ms < 0) return "bad max_turn_silence " + *value;
    params.max_turn_silence_ms = *ms;
  }
  if (const auto terms = request.query_param("keyterms_prompt")) {
    boost::system::error_code error;
    const auto parsed = json::parse(*terms, error);
    const bool strings = !error && parsed.is_array() &&
                         std::all_of(parsed.as_array().begin(), parsed.as_array().end(),
                                     [](const json::value& term) { return term.is_string(); });
    if (!strings) return "keyterms_prompt must be a JSON list of strings";
  }
  return params;
}

struct Heard {
  std::string word;
  std::int64_t start = 0;  // samples
  std::int64_t end = 0;
};

std::string formatted(std::string text) {
  if (text.empty()) return text;
  text.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(text.front())));
  return text + ".";
}

// One session's "speech recognition": words from runs of coded samples, with AssemblyAI's turn
// messages timed by the audio received.
class TurnRecognizer {
 public:
  TurnRecognizer(const FakeAssemblyAiOptions& options, SessionParams params)
      : options_(options),
        params_(params),
        bytes_per_sample_(params.encoding == "pcm_s16le" ? 2 : 1),
        step_(std::max(1, params.sample_rate / 100)),
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
      }
      ++now_;
      if (now_ % step_ == 0) evaluate(out);
    }
    evaluate(out);
  }

  // ForceEndpoint and Terminate: a turn with words ends now.
  void end_now(std::vector<std::string>& out) {
    if (auto current = in_progress()) {
      words_.push_back(std::move(*current));
      run_taken_ = true;
      last_word_end_ = now_;
    }
    if (!words_.empty()) end_turn(out);
  }

  [[nodiscard]] double seconds_heard() const {
    return static_cast<double>(now_) / params_.sample_rate;
  }

 private:
  [[nodiscard]] std::int64_t samples(std::int64_t ms) const {
    return ms * params_.sample_rate / 1000;
  }
  [[nodiscard]] std::int64_t ms(std::int64_t sample) const {
    return sample * 1000 / params_.sample_rate;
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

  void end_run() {
    if (run_code_ != 0 && !run_taken_ && now_ - run_start_ >= min_word_) {
      words_.push_back(
          {options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_});
      last_word_end_ = now_;
    }
  }

  [[nodiscard]] std::optional<Heard> in_progress() const {
    if (run_code_ == 0 || run_taken_ || now_ - run_start_ < min_word_) return std::nullopt;
    return Heard{options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_};
  }

  void evaluate(std::vector<std::string>& out) {
    const auto current = in_progress();
    if (current && !speech_announced_) {
      speech_announced_ = true;
      json::object started{{"type", "SpeechStarted"}, {"timestamp", ms(current->start)}};
      out.push_back(json::serialize(started));
    }
    const auto shape = words_.size() * 2 + (current ? 1 : 0);
    if (shape > 0 && shape != reported_shape_) {
      reported_shape_ = shape;
      out.push_back(turn(current, false, false));
    }
    if (run_code_ != 0 || words_.empty()) return;
    const bool confident = options_.end_of_turn_confidence >= params_.end_of_turn_threshold;
    const auto pause = confident ? params_.min_turn_silence_ms : params_.max_turn_silence_ms;
    if (now_ - last_word_end_ >= samples(pause)) end_turn(out);
  }

  void end_turn(std::vector<std::string>& out) {
    out.push_back(turn(std::nullopt, true, false));
    if (params_.format_turns && !options_.omit_formatted_turns) {
      out.push_back(turn(std::nullopt, true, true));
    }
    words_.clear();
    ++turn_order_;
    reported_shape_ = 0;
    speech_announced_ = false;
  }

  [[nodiscard]] std::string turn(const std::optional<Heard>& current, bool end_of_turn,
                                 bool format) const {
    std::string transcript;
    json::array listed;
    const auto add = [this, &listed](const Heard& heard, bool final) {
      listed.push_back(json::object{{"start", ms(heard.start)},
                                    {"end", ms(heard.end)},
                                    {"text", heard.word},
                                    {"confidence", 0.97},
                                    {"word_is_final", final}});
    };
    for (const auto& heard : words_) {
      transcript += (transcript.empty() ? "" : " ") + heard.word;
      add(heard, true);
    }
    if (current) add(*current, false);
    if (format) transcript = formatted(transcript);
    json::object message{
        {"type", "Turn"},
        {"turn_order", turn_order_},
        {"turn_is_formatted", format},
        {"end_of_turn", end_of_turn},
        {"transcript", transcript},
        {"end_of_turn_confidence", end_of_turn ? options_.end_of_turn_confidence : 0.01},
        {"words", std::move(listed)},
        {"utterance", end_of_turn ? transcript : std::string()}};
    return json::serialize(message);
  }

  const FakeAssemblyAiOptions& options_;
  SessionParams params_;
  std::size_t bytes_per_sample_;
  std::int64_t step_;
  std::int64_t min_word_;
  std::vector<std::uint8_t> partial_;  // bytes of a sample split across frames

  std::int64_t now_ = 0;  // samples received
  std::int64_t run_code_ = 0;
  std::int64_t run_start_ = 0;
  bool run_taken_ = false;    // the run's word already ended a turn (ForceEndpoint)
  std::vector<Heard> words_;  // the open turn's finished words
  std::int64_t last_word_end_ = 0;
  std::int64_t turn_order_ = 0;
  std::size_t reported_shape_ = 0;  // the words the last partial Turn showed
  bool speech_announced_ = false;
};

std::string error_message(int code, const std::string& text) {
  json::object message{{"type", "Error"}, {"error_code", code}, {"error", text}};
  return json::serialize(message);
}

std::string control_type(std::string_view text) {
  boost::system::error_code error;
  const auto parsed = json::parse(text, error);
  if (error || !parsed.is_object()) return "(not JSON)";
  const auto* type = parsed.as_object().if_contains("type");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : "(no type)";
}

FakeResponse rejection(int status, const std::string& reason) {
  std::string text = reason;
  if (status == 401 || status == 403) {
    text = "Invalid API key";
  } else if (status == 429) {
    text = "Too many new sessions, try again later";
  } else if (status >= 500) {
    text = "Internal server error";
  }
  return {status,
          {{"Content-Type", "application/json"}},
          json::serialize(json::object{{"error", text}})};
}

asio::awaitable<void> serve_session(FakeWebSocket& socket, const FakeAssemblyAiOptions& options,
                                    std::shared_ptr<detail::FakeAssemblyAiState> state) {
  const auto& request = socket.request();
  FakeAssemblyAiStream record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.query = request.query;
  const auto index = state->add(std::move(record));

  std::optional<int> refuse;
  std::string reason;
  const bool authorized = request.header("Authorization") == options.api_key ||
                          request.query_param("token") == options.api_key;
  auto parsed = parse_params(request);
  if (!authorized) {
    refuse = 401;
  } else if (options.reject_status != 0 && index < options.reject_connections) {
    refuse = options.reject_status;
  } else if (const auto* problem = std::get_if<std::string>(&parsed)) {
    refuse = 400;
    reason = *problem;
  }
  if (refuse) {
    state->update(index, [](FakeAssemblyAiStream& s) {
      s.rejected = true;
      s.ended = true;
    });
    co_await socket.reject(rejection(*refuse, reason));
    co_return;
  }
  co_await socket.accept();

  const auto params = std::get<SessionParams>(std::move(parsed));
  TurnRecognizer recognizer(options, params);
  const auto bytes_per_second =
      static_cast<double>(params.sample_rate) * (params.encoding == "pcm_s16le" ? 2.0 : 1.0);
  const auto started = std::chrono::steady_clock::now();
  const auto executor = co_await asio::this_coro::executor;
  FakeWsWriter outbox(socket, executor,
                      [&state, index](const FakeWsWriter::Item& item) {
                        state->update(index, [&item](FakeAssemblyAiStream& s) {
                          if (item.close_code) {
                            s.server_close_code = item.close_code;
                          } else {
                            s.sent.push_back(item.text);
                          }
                        });
                      });

  std::vector<std::string> out;
  const auto send_all = [&] {
    for (auto& text : out) outbox.push(std::move(text), options.latency);
    out.clear();
  };
  const auto fail = [&](std::uint16_t code, const std::string& text) {
    outbox.push(error_message(code, text), options.latency);
    outbox.close(code, text.substr(0, 120), options.latency);
  };
  json::object begin{{"type", "Begin"},
                     {"id", "fake-session-" + std::to_string(request.connection_id)},
                     {"expires_at", 1'900'000'000}};
  outbox.push(json::serialize(begin), options.latency);
  if (options.close_code && index < options.close_connections) {
    fail(*options.close_code, options.close_error);
  }

  std::size_t audio_bytes = 0;
  bool malformed_sent = false;
  while (auto message = co_await socket.receive()) {
    if (outbox.closing()) continue;
    if (message->binary) {
      const auto size = message->data.size();
      const double frame_ms = static_cast<double>(size) * 1000.0 / bytes_per_second;
      audio_bytes += size;
      state->update(index, [&](FakeAssemblyAiStream& s) {
        s.audio += message->data;
        ++s.audio_frames;
        s.frame_ms.push_back(frame_ms);
      });
      if (frame_ms < 50.0 - 1e-6 || frame_ms > 1000.0 + 1e-6) {
        fail(3007, "Input duration violation: " + std::to_string(static_cast<int>(frame_ms)) +
                       " ms. Expected between 50 and 1000 ms");
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
        state->update(index, [](FakeAssemblyAiStream& s) { s.dropped = true; });
        socket.disconnect();
        break;
      }
      continue;
    }
    const auto type = control_type(message->data);
    state->update(index, [&type](FakeAssemblyAiStream& s) { s.control.push_back(type); });
    if (type == "ForceEndpoint") {
      recognizer.end_now(out);
      send_all();
    } else if (type == "Terminate") {
      recognizer.end_now(out);
      const std::chrono::duration<double> open = std::chrono::steady_clock::now() - started;
      json::object termination{{"type", "Termination"},
                               {"audio_duration_seconds", recognizer.seconds_heard()},
                               {"session_duration_seconds", open.count()}};
      out.push_back(json::serialize(termination));
      send_all();
      outbox.close(1000, {}, options.latency);
    } else if (type != "KeepAlive" && type != "UpdateConfiguration") {
      fail(3006, "Invalid Message Type: " + message->data.substr(0, 60));
    }
  }
  const auto client_code = socket.peer_close_code();
  state->update(index,
                [client_code](FakeAssemblyAiStream& s) { s.client_close_code = client_code; });
  co_await outbox.finish();
  state->update(index, [](FakeAssemblyAiStream& s) { s.ended = true; });
}

void append_sample(std::string& audio, std::int64_t value, std::string_view encoding) {
  if (encoding == "pcm_s16le") {
    const auto sample = static_cast<std::uint16_t>(static_cast<std::int16_t>(value));
    audio.push_back(static_cast<char>(sample & 0xFFU));
    audio.push_back(static_cast<char>(sample >> 8U));
  } else {
    audio.push_back(static_cast<char>(static_cast<std::uint8_t>(value)));
  }
}

}  // namespace

std::optional<std::string> FakeAssemblyAiStream::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::size_t FakeAssemblyAiStream::count_control(std::string_view type) const {
  return static_cast<std::size_t>(std::count(control.begin(), control.end(), type));
}

std::size_t FakeAssemblyAiStream::count_sent(std::string_view fragment) const {
  return static_cast<std::size_t>(
      std::count_if(sent.begin(), sent.end(), [fragment](const std::string& message) {
        return message.find(fragment) != std::string::npos;
      }));
}

FakeAssemblyAi::FakeAssemblyAi(FakeAssemblyAiOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeAssemblyAiState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_websocket("/v3/ws",
                       [this, state = state_](FakeWebSocket& socket) -> asio::awaitable<void> {
                         co_await serve_session(socket, options_, state);
                       });
  server_.start();
}

FakeAssemblyAi::~FakeAssemblyAi() {
  server_.stop();
}

std::string FakeAssemblyAi::url() const {
  return server_.ws_url("/v3/ws");
}

std::vector<FakeAssemblyAiStream> FakeAssemblyAi::streams() const {
  return state_->snapshot();
}

bool FakeAssemblyAi::wait_for(
    const std::function<bool(const std::vector<FakeAssemblyAiStream>&)>& done,
    milliseconds timeout) const {
  return state_->wait_for(done, timeout);
}

std::string FakeAssemblyAi::speech(const std::vector<std::string>& words, milliseconds word,
                                   milliseconds gap, int sample_rate,
                                   std::string_view encoding) const {
  std::string audio;
  const auto word_samples = word.count() * sample_rate / 1000;
  for (const auto& spoken : words) {
    const auto found = std::find(options_.vocabulary.begin(), options_.vocabulary.end(), spoken);
    if (found == options_.vocabulary.end() || found - options_.vocabulary.begin() >= kMaxCode) {
      throw std::invalid_argument("the fake AssemblyAI's vocabulary has no word " + spoken);
    }
    const auto code = (found - options_.vocabulary.begin()) + 1;
    for (std::int64_t i = 0; i < word_samples; ++i) append_sample(audio, code, encoding);
    audio += silence(gap, sample_rate, encoding);
  }
  return audio;
}

std::string FakeAssemblyAi::silence(milliseconds length, int sample_rate,
                                    std::string_view encoding) {
  std::string audio;
  const auto count = length.count() * sample_rate / 1000;
  const std::int64_t value = encoding == "pcm_s16le" ? 0 : 0xFF;
  for (std::int64_t i = 0; i < count; ++i) append_sample(audio, value, encoding);
  return audio;
}

}  // namespace patter::fakes
