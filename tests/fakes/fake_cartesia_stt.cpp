// The fake Cartesia's speech-to-text socket (/stt/websocket).

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <variant>

#include "fakes/fake_cartesia_state.hpp"
#include "fakes/fake_ws_writer.hpp"

namespace patter::fakes::detail {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t kMaxCode = 126;

struct StreamParams {
  std::string encoding;
  int sample_rate = 16000;
  std::string language = "en";
  milliseconds segment_silence{300};
};

// The parameters, or the reason the real service would answer 400.
std::variant<StreamParams, std::string> parse_params(const FakeRequest& request,
                                                     const FakeCartesiaSttOptions& options) {
  StreamParams params;
  params.segment_silence = options.segment_silence;
  if (!request.query_param("model")) return std::string("model is required");
  const auto encoding = request.query_param("encoding");
  if (!encoding) return std::string("encoding is required");
  if (*encoding != "pcm_s16le" && *encoding != "pcm_mulaw" && *encoding != "pcm_alaw") {
    return "the fake understands pcm_s16le, pcm_mulaw and pcm_alaw, not " + *encoding;
  }
  params.encoding = *encoding;
  const auto rate = request.query_param("sample_rate");
  if (!rate) return std::string("sample_rate is required");
  try {
    params.sample_rate = std::stoi(*rate);
  } catch (const std::exception&) {
    return "bad sample_rate " + *rate;
  }
  if (params.sample_rate < 8000 || params.sample_rate > 48000) return "bad sample_rate " + *rate;
  params.language = request.query_param("language").value_or("en");
  if (const auto silence = request.query_param("max_silence_duration_secs")) {
    try {
      params.segment_silence = milliseconds(static_cast<std::int64_t>(std::stod(*silence) * 1000));
    } catch (const std::exception&) {
      return "bad max_silence_duration_secs " + *silence;
    }
  }
  return params;
}

struct Heard {
  std::string word;
  std::int64_t start = 0;  // samples since the stream opened
  std::int64_t end = 0;
};

// One stream's "speech recognition": words from runs of coded samples; an interim each time a
// word is heard, a final once the segment's silence follows.
class Recognizer {
 public:
  Recognizer(const FakeCartesiaSttOptions& options, StreamParams params, std::string request_id)
      : options_(options),
        params_(std::move(params)),
        request_id_(std::move(request_id)),
        bytes_per_sample_(params_.encoding == "pcm_s16le" ? 2 : 1),
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
      }
      ++now_;
      if (now_ % step_ == 0) evaluate(out);
    }
    evaluate(out);
  }

  // finalize, or the end of the stream: whatever was heard becomes final.
  void flush(std::vector<std::string>& out) {
    if (auto current = in_progress()) {
      pending_.push_back(std::move(*current));
      run_taken_ = true;
    }
    if (!pending_.empty()) close_segment(out);
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

  void end_run() {
    if (run_code_ != 0 && !run_taken_ && now_ - run_start_ >= min_word_) {
      pending_.push_back(
          {options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_});
    }
    run_taken_ = false;
  }

  [[nodiscard]] std::optional<Heard> in_progress() const {
    if (run_code_ == 0 || run_taken_ || now_ - run_start_ < min_word_) return std::nullopt;
    return Heard{options_.vocabulary[static_cast<std::size_t>(run_code_ - 1)], run_start_, now_};
  }

  void evaluate(std::vector<std::string>& out) {
    auto words = pending_;
    if (auto current = in_progress()) words.push_back(std::move(*current));
    if (words.size() > interim_words_) {
      out.push_back(transcript(words, false));
      interim_words_ = words.size();
    }
    if (run_code_ == 0 && !pending_.empty() &&
        now_ - pending_.back().end >= samples(params_.segment_silence.count())) {
      close_segment(out);
    }
  }

  void close_segment(std::vector<std::string>& out) {
    out.push_back(transcript(pending_, true));
    pending_.clear();
    segment_start_ = now_;
    interim_words_ = 0;
    ++finals_;
  }

  // Texts are deltas: a segment after the first starts with a space, as Cartesia's do.
  [[nodiscard]] std::string transcript(const std::vector<Heard>& words, bool is_final) const {
    std::string text = finals_ > 0 ? " " : "";
    json::array listed;
    for (std::size_t i = 0; i < words.size(); ++i) {
      text += (i == 0 ? "" : " ") + words[i].word;
      listed.push_back(json::object{{"word", words[i].word},
                                    {"start", seconds(words[i].start)},
                                    {"end", seconds(words[i].end)}});
    }
    json::object message{{"type", "transcript"},
                         {"is_final", is_final},
                         {"request_id", request_id_},
                         {"text", text},
                         {"duration", seconds(now_ - segment_start_)},
                         {"language", params_.language},
                         {"words", std::move(listed)}};
    return json::serialize(message);
  }

  const FakeCartesiaSttOptions& options_;
  StreamParams params_;
  std::string request_id_;
  std::size_t bytes_per_sample_;
  std::int64_t step_;
  std::int64_t min_word_;
  std::vector<std::uint8_t> partial_;  // bytes of a sample split across frames

  std::int64_t now_ = 0;  // samples received
  std::int64_t segment_start_ = 0;
  std::int64_t run_code_ = 0;
  std::int64_t run_start_ = 0;
  bool run_taken_ = false;  // the run's word was already made final by a flush
  std::vector<Heard> pending_;
  std::size_t interim_words_ = 0;
  std::size_t finals_ = 0;
};

std::string error_message(int status, std::string_view request_id) {
  return json::serialize(json::object{{"type", "error"},
                                      {"title", "Server error"},
                                      {"message", "The transcription failed"},
                                      {"error_code", "internal_error"},
                                      {"status_code", status},
                                      {"request_id", request_id}});
}

std::string simple_message(std::string_view type, std::string_view request_id) {
  return json::serialize(json::object{{"type", type}, {"request_id", request_id}});
}

}  // namespace

asio::awaitable<void> serve_cartesia_stt(FakeWebSocket& socket, const FakeCartesiaOptions& all,
                                         std::shared_ptr<FakeCartesiaState> state) {
  const auto& options = all.stt;
  const auto& request = socket.request();
  FakeCartesiaSttStream record;
  record.connection_id = request.connection_id;
  record.api_key = request.header("X-API-Key");
  record.version = cartesia_version_of(request);
  record.query = request.query;
  const auto index = state->update([&](FakeCartesiaState& s) {
    s.stt_streams.push_back(std::move(record));
    return s.stt_streams.size() - 1;
  });
  const auto request_id = "fake-stt-" + std::to_string(request.connection_id);

  auto refusal = check_cartesia_handshake(request, all);
  auto parsed = parse_params(request, options);
  if (!refusal && options.reject_status != 0 && index < options.reject_connections) {
    refusal = cartesia_error_response(
        options.reject_status,
        options.reject_status == 429 ? "Concurrency limit reached" : "The request failed",
        options.reject_status == 429 ? "concurrency_limited" : "request_failed");
  }
  if (!refusal) {
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
      refusal = cartesia_error_response(400, *problem, "invalid_request");
    }
  }
  if (refusal) {
    state->update([index](FakeCartesiaState& s) {
      s.stt_streams[index].rejected = true;
      s.stt_streams[index].ended = true;
    });
    co_await socket.reject(std::move(*refusal));
    co_return;
  }
  co_await socket.accept();
  state->update([index](FakeCartesiaState& s) { s.stt_streams[index].accepted = true; });

  Recognizer recognizer(options, std::get<StreamParams>(std::move(parsed)), request_id);
  const auto executor = co_await asio::this_coro::executor;
  // The idle watchdog counts time without audio.
  FakeWsWriter outbox(
      socket, executor,
      [&state, index](const FakeWsWriter::Item& item) {
        state->update([&](FakeCartesiaState& s) {
          auto& stream = s.stt_streams[index];
          if (item.close_code) {
            stream.server_close_code = item.close_code;
          } else {
            stream.sent.push_back(item.text);
          }
        });
      },
      FakeWsWriter::IdleClose{options.idle_timeout, 1000, "idle timeout"});

  std::vector<std::string> out;
  const auto send_all = [&] {
    for (auto& text : out) outbox.push(std::move(text), options.latency);
    out.clear();
  };
  std::size_t audio_bytes = 0;
  bool malformed_sent = false;
  while (auto message = co_await socket.receive()) {
    if (outbox.closing()) continue;
    if (message->binary) {
      outbox.touch();
      const auto& data = message->data;
      audio_bytes += data.size();
      state->update([&](FakeCartesiaState& s) {
        auto& stream = s.stt_streams[index];
        stream.audio += data;
        ++stream.audio_frames;
        if (data.empty()) ++stream.empty_frames;
      });
      recognizer.feed(data, out);
      send_all();
      if (options.malformed_after_bytes && !malformed_sent &&
          audio_bytes >= *options.malformed_after_bytes) {
        malformed_sent = true;
        outbox.push(options.malformed_text, options.latency);
      }
      if (options.error_after_bytes && index < options.error_connections &&
          audio_bytes >= *options.error_after_bytes) {
        outbox.push(error_message(options.error_status, request_id), options.latency);
        outbox.close(1011, "internal error", options.latency);
        continue;
      }
      if (options.drop_after_bytes && index < options.drop_connections &&
          audio_bytes >= *options.drop_after_bytes) {
        state->update([index](FakeCartesiaState& s) { s.stt_streams[index].dropped = true; });
        socket.disconnect();
        break;
      }
      continue;
    }
    const auto& command = message->data;
    state->update([&](FakeCartesiaState& s) { s.stt_streams[index].commands.push_back(command); });
    if (command == "finalize") {
      recognizer.flush(out);
      out.push_back(simple_message("flush_done", request_id));
      send_all();
    } else if (command == "done" || command == "close") {
      recognizer.flush(out);
      out.push_back(simple_message("done", request_id));
      send_all();
      outbox.close(1000, {}, options.latency);
    }
  }
  const auto client_code = socket.peer_close_code();
  state->update(
      [&](FakeCartesiaState& s) { s.stt_streams[index].client_close_code = client_code; });
  co_await outbox.finish();
  state->update([index](FakeCartesiaState& s) { s.stt_streams[index].ended = true; });
}

}  // namespace patter::fakes::detail
