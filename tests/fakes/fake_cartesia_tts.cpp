// The fake Cartesia's text-to-speech socket (/tts/websocket): many contexts on one socket.

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <utility>

#include "fakes/fake_cartesia_state.hpp"

namespace patter::fakes::detail {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

constexpr std::array kSampleRates{8000, 16000, 22050, 24000, 44100};

std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                  reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()));
  return text;
}

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

bool flag_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->as_bool();
}

// What every input of one context must repeat unchanged.
struct Voice {
  std::string model;
  std::string voice_id;
  std::string encoding;
  std::int64_t sample_rate = 0;
  bool operator==(const Voice&) const = default;
};

struct Context {
  std::size_t record = 0;  // index into the state's contexts
  Voice voice;
  std::string buffer;  // text waiting for a flush or the end of input
  std::int64_t flush_id = 1;
  bool input_ended = false;
  bool cancelled = false;
  bool over = false;  // done or an error was sent
};

// Work for the socket's single writer.
struct Job {
  std::string context_id;  // empty: `text` is sent as it is
  std::string text;
  bool flush = false;
  bool last = false;  // the context's input ended: done follows the audio
};

class TtsSocketSession {
 public:
  TtsSocketSession(FakeWebSocket& ws, const FakeCartesiaOptions& options,
                   std::shared_ptr<FakeCartesiaState> state, std::size_t index,
                   const asio::any_io_executor& executor)
      : ws_(ws), options_(options), state_(std::move(state)), index_(index), wake_(executor) {}

  // Reads the client's messages until it leaves; the writer runs alongside.
  asio::awaitable<void> read() {
    while (auto message = co_await ws_.receive()) {
      last_activity_ = std::chrono::steady_clock::now();
      state_->update(
          [&](FakeCartesiaState& s) { s.tts_sockets[index_].messages.push_back(message->data); });
      if (message->binary) {
        queue_error("", 400, "Binary messages are not accepted", "invalid_request");
        continue;
      }
      handle(message->data);
    }
    reader_done_ = true;
    wake_.cancel();
  }

  asio::awaitable<void> write() {
    while (!broken_) {
      if (jobs_.empty()) {
        if (reader_done_) break;
        const auto deadline = last_activity_ + options_.tts.idle_timeout;
        if (std::chrono::steady_clock::now() >= deadline) {
          co_await guarded(
              [this]() -> asio::awaitable<void> { co_await ws_.close(1000, "idle timeout"); });
          break;
        }
        wake_.expires_at(deadline);
        boost::system::error_code ignored;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        continue;
      }
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      if (job.context_id.empty()) {
        co_await send(job.text);
      } else {
        co_await speak(job);
      }
      last_activity_ = std::chrono::steady_clock::now();
    }
  }

 private:
  void handle(const std::string& data) {
    boost::system::error_code parse_error;
    const auto parsed = json::parse(data, parse_error);
    const auto* object = parse_error ? nullptr : parsed.if_object();
    if (object == nullptr) {
      queue_error("", 400, "The message is not a JSON object", "invalid_request");
      return;
    }
    const auto context_id = string_at(*object, "context_id");
    if (flag_at(*object, "cancel")) {
      if (context_id.empty()) {
        queue_error("", 400, "cancel needs a context_id", "invalid_request");
        return;
      }
      cancel(context_id, data);
      return;
    }
    if (context_id.empty()) {
      queue_error("", 400, "context_id is required", "invalid_request");
      return;
    }
    auto [found, fresh] = contexts_.try_emplace(context_id);
    auto& context = found->second;
    if (fresh) {
      context.record = state_->update([&](FakeCartesiaState& s) {
        FakeCartesiaContext record;
        record.connection_id = ws_.request().connection_id;
        record.context_id = context_id;
        s.contexts.push_back(std::move(record));
        return s.contexts.size() - 1;
      });
    }
    state_->update(
        [&](FakeCartesiaState& s) { s.contexts[context.record].inputs.push_back(data); });
    if (context.over || context.cancelled) return;
    const auto problem = check_input(*object, context, fresh);
    if (!problem.empty()) {
      fail_context(context_id, context, problem);
      return;
    }
    context.buffer += string_at(*object, "transcript");
    const bool flush = flag_at(*object, "flush");
    const bool last = !flag_at(*object, "continue");
    if (!flush && !last) return;
    if (last) {
      context.input_ended = true;
      state_->update([&](FakeCartesiaState& s) { s.contexts[context.record].input_ended = true; });
    }
    jobs_.push_back(Job{context_id, std::exchange(context.buffer, {}), flush, last});
    wake_.cancel();
  }

  // Why the input cannot be spoken, or empty.
  std::string check_input(const json::object& input, Context& context, bool fresh) const {
    if (context.input_ended) return "the context's input has already ended";
    const auto* transcript = input.if_contains("transcript");
    if (transcript == nullptr || !transcript->is_string()) return "transcript is required";
    Voice voice;
    voice.model = string_at(input, "model_id");
    const auto& models = options_.tts.models;
    if (std::find(models.begin(), models.end(), voice.model) == models.end()) {
      return "Invalid model: " + voice.model;
    }
    const auto* spec = input.if_contains("voice");
    if (spec == nullptr || !spec->is_object() || string_at(spec->as_object(), "mode") != "id") {
      return "voice must be {\"mode\":\"id\",\"id\":...}";
    }
    voice.voice_id = string_at(spec->as_object(), "id");
    const auto& voices = options_.tts.voice_ids;
    if (std::find(voices.begin(), voices.end(), voice.voice_id) == voices.end()) {
      return "Voice not found: " + voice.voice_id;
    }
    const auto* format = input.if_contains("output_format");
    if (format == nullptr || !format->is_object()) return "output_format is required";
    const auto& fields = format->as_object();
    if (string_at(fields, "container") != "raw") return "the fake speaks container raw only";
    voice.encoding = string_at(fields, "encoding");
    if (voice.encoding != "pcm_mulaw" && voice.encoding != "pcm_alaw" &&
        voice.encoding != "pcm_s16le") {
      return "unsupported encoding " + voice.encoding;
    }
    const auto* rate = fields.if_contains("sample_rate");
    if (rate == nullptr || !rate->is_int64() ||
        std::find(kSampleRates.begin(), kSampleRates.end(), rate->as_int64()) ==
            kSampleRates.end()) {
      return "unsupported sample_rate";
    }
    voice.sample_rate = rate->as_int64();
    if (fresh) {
      context.voice = voice;
    } else if (!(voice == context.voice)) {
      return "every input of a context must keep its model, voice and output_format";
    }
    return {};
  }

  void cancel(const std::string& context_id, const std::string& data) {
    const auto found = contexts_.find(context_id);
    if (found == contexts_.end()) return;
    found->second.cancelled = true;
    state_->update([&](FakeCartesiaState& s) {
      auto& record = s.contexts[found->second.record];
      record.inputs.push_back(data);
      record.cancelled = true;
    });
    std::erase_if(jobs_, [&](const Job& job) { return job.context_id == context_id; });
  }

  void fail_context(const std::string& context_id, Context& context, const std::string& problem) {
    context.over = true;
    state_->update([&](FakeCartesiaState& s) { s.contexts[context.record].error = problem; });
    queue_error(context_id, 400, problem, "invalid_request");
  }

  void queue_error(const std::string& context_id, int status, std::string_view message,
                   std::string_view code) {
    jobs_.push_back(Job{{}, error_message(context_id, status, message, code), false, false});
    wake_.cancel();
  }

  static std::string error_message(const std::string& context_id, int status,
                                   std::string_view message, std::string_view code) {
    json::object body{{"type", "error"},  {"done", true},       {"status_code", status},
                      {"title", "Error"}, {"message", message}, {"error_code", code},
                      {"error", message}};
    if (!context_id.empty()) body["context_id"] = context_id;
    return json::serialize(body);
  }

  static std::string chunk_message(const std::string& context_id, std::int64_t flush_id,
                                   std::string_view piece) {
    return json::serialize(json::object{{"type", "chunk"},
                                        {"data", base64(piece)},
                                        {"done", false},
                                        {"status_code", 206},
                                        {"step_time", 12.5},
                                        {"flush_id", flush_id},
                                        {"context_id", context_id}});
  }

  static std::string flush_done_message(const std::string& context_id, std::int64_t flush_id) {
    return json::serialize(json::object{{"type", "flush_done"},
                                        {"done", false},
                                        {"flush_done", true},
                                        {"flush_id", flush_id},
                                        {"status_code", 206},
                                        {"context_id", context_id}});
  }

  static std::string done_message(const std::string& context_id) {
    return json::serialize(json::object{
        {"type", "done"}, {"done", true}, {"status_code", 206}, {"context_id", context_id}});
  }

  std::string timestamps_message(const std::string& context_id, const std::string& text) const {
    const auto seconds = static_cast<double>(text.size()) *
                         static_cast<double>(options_.tts.audio_per_character.count()) / 1000.0;
    return json::serialize(
        json::object{{"type", "timestamps"},
                     {"done", false},
                     {"status_code", 206},
                     {"context_id", context_id},
                     {"word_timestamps", json::object{{"words", json::array{json::string(text)}},
                                                      {"start", json::array{0.0}},
                                                      {"end", json::array{seconds}}}}});
  }

  asio::awaitable<void> speak(const Job& job) {
    auto& context = contexts_.at(job.context_id);
    const std::string text(trimmed_text(job.text));
    if (!text.empty()) {
      const auto reply = state_->next_reply(options_.tts.default_reply);
      state_->update([&](FakeCartesiaState& s) {
        s.contexts[context.record].text +=
            (s.contexts[context.record].text.empty() ? "" : " ") + text;
        s.characters += text.size();
      });
      const auto audio =
          cartesia_tone(text, context.voice.encoding, static_cast<int>(context.voice.sample_rate),
                        options_.tts.audio_per_character);
      const bool finished = co_await stream(job.context_id, context, reply, audio);
      if (!finished) co_return;
      const auto timestamps = timestamps_message(job.context_id, text);
      co_await send(timestamps);
    }
    if (context.cancelled || broken_) co_return;
    if (job.flush) {
      const auto flushed = flush_done_message(job.context_id, context.flush_id);
      co_await send(flushed);
      ++context.flush_id;
      state_->update([&](FakeCartesiaState& s) { ++s.contexts[context.record].flushes; });
    }
    if (job.last) {
      context.over = true;
      const auto done = done_message(job.context_id);
      co_await send(done);
      state_->update([&](FakeCartesiaState& s) { s.contexts[context.record].done_sent = true; });
    }
  }

  // Sends the audio as chunk messages, obeying the reply's pacing and faults; false when a
  // fault, a cancel or a departed client ended it early.
  asio::awaitable<bool> stream(const std::string& context_id, Context& context,
                               const FakeCartesiaReply& reply, const std::string& audio) {
    const auto chunk_bytes = std::max<std::size_t>(reply.chunk_bytes, 1);
    const auto chunks = (audio.size() + chunk_bytes - 1) / chunk_bytes;
    for (std::size_t sent = 0; sent <= chunks; ++sent) {
      if (reply.error_status != 0 && sent == std::min(reply.error_after, chunks)) {
        context.over = true;
        state_->update(
            [&](FakeCartesiaState& s) { s.contexts[context.record].error = reply.error_message; });
        const auto error =
            error_message(context_id, reply.error_status, reply.error_message,
                          reply.error_status == 429 ? "rate_limited" : "server_error");
        co_await send(error);
        co_return false;
      }
      if (sent == chunks) break;
      if (sent == reply.disconnect_after) {
        broken_ = true;
        ws_.disconnect();
        co_return false;
      }
      if (sent == reply.malformed_after) {
        const std::string broken_json = R"({"type":"chunk","data":)";
        co_await send(broken_json);
        co_return false;
      }
      if (sent == reply.stall_after) co_return false;
      const auto pause = sent == 0 ? reply.time_to_first_chunk : reply.chunk_interval;
      if (pause > milliseconds::zero()) co_await sleep_for(pause);
      if (context.cancelled || broken_) co_return false;
      const auto piece = std::string_view(audio).substr(sent * chunk_bytes, chunk_bytes);
      const auto chunk = chunk_message(context_id, context.flush_id, piece);
      co_await send(chunk);
      state_->update([&](FakeCartesiaState& s) { ++s.contexts[context.record].chunks_sent; });
    }
    co_return !broken_;
  }

  asio::awaitable<void> send(const std::string& text) {
    co_await guarded([this, &text]() -> asio::awaitable<void> { co_await ws_.send_text(text); });
  }

  template <typename Write>
  asio::awaitable<void> guarded(Write write) {
    if (broken_) co_return;
    try {
      co_await write();
    } catch (const std::exception&) {
      broken_ = true;  // the client is gone
    }
  }

  FakeWebSocket& ws_;
  const FakeCartesiaOptions& options_;
  std::shared_ptr<FakeCartesiaState> state_;
  std::size_t index_;
  asio::steady_timer wake_;
  std::deque<Job> jobs_;
  std::map<std::string, Context> contexts_;
  SteadyTime last_activity_ = std::chrono::steady_clock::now();
  bool reader_done_ = false;
  bool broken_ = false;
};

}  // namespace

asio::awaitable<void> serve_cartesia_tts(FakeWebSocket& socket, const FakeCartesiaOptions& options,
                                         std::shared_ptr<FakeCartesiaState> state) {
  const auto& request = socket.request();
  FakeCartesiaTtsSocket record;
  record.connection_id = request.connection_id;
  record.api_key = request.header("X-API-Key");
  record.version = cartesia_version_of(request);
  record.query = request.query;
  const auto index = state->update([&](FakeCartesiaState& s) {
    s.tts_sockets.push_back(std::move(record));
    return s.tts_sockets.size() - 1;
  });
  auto refusal = check_cartesia_handshake(request, options);
  if (!refusal && options.tts.reject_status != 0 && index < options.tts.reject_connections) {
    const auto status = options.tts.reject_status;
    refusal = cartesia_error_response(
        status, status == 429 ? "Too many concurrent connections" : "The service is unavailable",
        status == 429 ? "rate_limited" : "server_error");
    if (options.tts.retry_after_seconds) {
      refusal->headers.emplace_back("Retry-After",
                                    std::to_string(*options.tts.retry_after_seconds));
    }
  }
  if (refusal) {
    state->update([index](FakeCartesiaState& s) {
      s.tts_sockets[index].rejected = true;
      s.tts_sockets[index].ended = true;
    });
    co_await socket.reject(std::move(*refusal));
    co_return;
  }
  co_await socket.accept();
  const auto executor = co_await asio::this_coro::executor;
  TtsSocketSession session(socket, options, state, index, executor);
  asio::steady_timer writer_done(executor, SteadyTime::max());
  bool writing = true;
  asio::co_spawn(executor, session.write(), [&writing, &writer_done](const std::exception_ptr&) {
    writing = false;
    writer_done.cancel();
  });
  co_await session.read();
  while (writing) {
    boost::system::error_code ignored;
    co_await writer_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  state->update([index](FakeCartesiaState& s) { s.tts_sockets[index].ended = true; });
}

}  // namespace patter::fakes::detail
