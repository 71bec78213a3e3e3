#include "fakes/fake_openai_realtime.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "audio/codec.hpp"
#include "audio/mulaw.hpp"
#include "core/base64.hpp"
#include "fakes/fake_openai_realtime_shapes.hpp"
#include "fakes/fake_stream_records.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace detail {

struct FakeOpenAiRealtimeState : FakeStreamRecords<FakeRealtimeConnection> {};

}  // namespace detail

namespace {

using namespace realtime_shapes;

constexpr milliseconds kVadWindow{10};

// The fake's outgoing messages, written in order by one writer when due.
struct Outbox {
  struct Item {
    SteadyTime due;
    std::string text;
    std::string response_id;  // the response it belongs to, if any
    bool audio = false;       // an audio delta
    std::string audio_item;   // ... of this item
    std::int64_t audio_ms = 0;
    bool ends_response = false;
  };

  explicit Outbox(const asio::any_io_executor& executor) : wake(executor) {}

  void push(Item item) {
    items.push_back(std::move(item));
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.due < b.due; });
    wake.cancel();
  }

  std::deque<Item> items;
  asio::steady_timer wake;
  bool stopped = false;
  bool broken = false;
};

// One connection's protocol state. Runs on the server's thread only.
class Connection {
 public:
  Connection(FakeWebSocket& socket, const FakeOpenAiRealtimeOptions& options,
             std::shared_ptr<detail::FakeOpenAiRealtimeState> state, std::size_t index, bool ga,
             std::string model, const asio::any_io_executor& executor)
      : socket_(socket),
        options_(options),
        state_(std::move(state)),
        index_(index),
        ga_(ga),
        outbox_(executor),
        session_(default_session(ga, model)) {
    apply_session();
  }

  Outbox& outbox() { return outbox_; }

  void opened() { send(event("session.created", {{"session", session_}})); }

  void received(const std::string& text) {
    boost::system::error_code error;
    const auto parsed = json::parse(text, error);
    std::string type = "(not JSON)";
    if (!error && parsed.is_object()) {
      const auto* value = parsed.as_object().if_contains("type");
      type = value != nullptr && value->is_string() ? std::string(value->as_string()) : "(no type)";
    }
    update([&](FakeRealtimeConnection& c) {
      c.client_messages.push_back(text);
      c.client_types.push_back(type);
    });
    if (error || !parsed.is_object()) {
      send_error("invalid_request_error", "invalid_json", "The message is not valid JSON.");
      return;
    }
    const auto& message = parsed.as_object();
    if (type == "session.update") {
      session_update(message);
    } else if (type == "input_audio_buffer.append") {
      append(message);
    } else if (type == "conversation.item.create") {
      item_create(message);
    } else if (type == "response.create") {
      response_create(message);
    } else if (type == "response.cancel") {
      if (active_.empty()) {
        send_error("invalid_request_error", "response_cancel_not_active",
                   "Cancellation failed: no active response found");
      } else {
        cancel("client_cancelled");
      }
    } else if (type == "conversation.item.truncate") {
      truncate(message);
    } else {
      send_error("invalid_request_error", "invalid_value",
                 "Invalid value: '" + type + "'. Supported values are client events.");
    }
  }

  // The writer sent one item.
  void written(const Outbox::Item& item) {
    ++written_;
    update([&](FakeRealtimeConnection& c) { c.sent.push_back(item.text); });
    if (item.audio) audio_sent_ms_[item.audio_item] += item.audio_ms;
    if (item.ends_response && item.response_id == active_) active_.clear();
  }

  [[nodiscard]] std::size_t written_count() const { return written_; }

 private:
  template <typename Fn>
  void update(Fn fn) {
    state_->update(index_, fn);
  }

  json::object event(std::string_view type, json::object fields = {}) {
    fields["type"] = type;
    fields["event_id"] = "event_" + std::to_string(++event_ids_);
    return fields;
  }

  void send(const json::object& message, milliseconds after = milliseconds(0),
            Outbox::Item tags = {}) {
    tags.due = std::chrono::steady_clock::now() + options_.latency + after;
    tags.text = json::serialize(message);
    outbox_.push(std::move(tags));
  }

  void send_error(std::string_view type, std::string_view code, std::string_view message) {
    send(event("error", {{"error", json::object{{"type", type},
                                                {"code", code},
                                                {"message", message},
                                                {"param", nullptr},
                                                {"event_id", nullptr}}}}));
  }

  [[nodiscard]] std::string name(std::string_view beta, std::string_view ga) const {
    return std::string(ga_ ? ga : beta);
  }

  // ---- session ----

  void session_update(const json::object& message) {
    const auto* session = message.if_contains("session");
    if (session == nullptr || !session->is_object()) {
      send_error("invalid_request_error", "missing_required_parameter",
                 "Missing required parameter: 'session'.");
      return;
    }
    const auto& settings = session->as_object();
    if (ga_ && settings.if_contains("type") == nullptr) {
      send_error("invalid_request_error", "missing_required_parameter",
                 "Missing required parameter: 'session.type'.");
      return;
    }
    for (const auto* beta_only : {"modalities", "input_audio_format", "voice", "temperature"}) {
      if (ga_ && settings.if_contains(beta_only) != nullptr) {
        send_error("invalid_request_error", "unknown_parameter",
                   "Unknown parameter: 'session." + std::string(beta_only) + "'.");
        return;
      }
    }
    for (const auto* ga_only : {"type", "audio", "output_modalities"}) {
      if (!ga_ && settings.if_contains(ga_only) != nullptr) {
        send_error("invalid_request_error", "unknown_parameter",
                   "Unknown parameter: 'session." + std::string(ga_only) + "'.");
        return;
      }
    }
    if (!options_.reject_session_update.empty()) {
      send_error("invalid_request_error", "invalid_value", options_.reject_session_update);
      return;
    }
    merge(session_, settings);
    if (!apply_session()) {
      send_error("invalid_request_error", "invalid_value", "Invalid audio format.");
      return;
    }
    if (!options_.answer_session_update) return;
    update([&](FakeRealtimeConnection& c) { c.session_json = json::serialize(session_); });
    send(event("session.updated", {{"session", session_}}), options_.session_updated_delay);
    if (options_.error_after_ready) {
      send(event("error", {{"error", json::object{{"type", "invalid_request_error"},
                                                  {"code", options_.error_after_ready->first},
                                                  {"message", options_.error_after_ready->second},
                                                  {"param", nullptr},
                                                  {"event_id", nullptr}}}}),
           options_.session_updated_delay);
    }
  }

  // Reads the formats and turn detection out of the merged session.
  bool apply_session() {
    const json::object* detection = nullptr;
    std::optional<WireFormat> input;
    std::optional<WireFormat> output;
    if (ga_) {
      const auto& audio = session_.at("audio").as_object();
      const auto& in = audio.at("input").as_object();
      input = ga_format(in.if_contains("format"));
      output = ga_format(audio.at("output").as_object().if_contains("format"));
      if (const auto* value = in.if_contains("turn_detection"); value && value->is_object()) {
        detection = &value->as_object();
      }
    } else {
      input = beta_format(session_.if_contains("input_audio_format"));
      output = beta_format(session_.if_contains("output_audio_format"));
      if (const auto* value = session_.if_contains("turn_detection"); value && value->is_object()) {
        detection = &value->as_object();
      }
    }
    if (!input || !output) return false;
    input_ = *input;
    output_ = *output;
    vad_on_ = detection != nullptr;
    if (detection != nullptr) {
      silence_ms_ = number(*detection, "silence_duration_ms", 500);
      prefix_ms_ = number(*detection, "prefix_padding_ms", 300);
      create_response_ = boolean(*detection, "create_response", true);
      interrupt_response_ = boolean(*detection, "interrupt_response", true);
    }
    return true;
  }

  static std::int64_t number(const json::object& object, std::string_view key,
                             std::int64_t fallback) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_int64() ? value->as_int64() : fallback;
  }
  static bool boolean(const json::object& object, std::string_view key, bool fallback) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_bool() ? value->as_bool() : fallback;
  }

  // ---- caller audio and the VAD ----

  void append(const json::object& message) {
    const auto* audio = message.if_contains("audio");
    const auto bytes = audio != nullptr && audio->is_string()
                           ? core::decode_base64(audio->as_string())
                           : std::nullopt;
    if (!bytes) {
      send_error("invalid_request_error", "invalid_value", "Invalid 'audio'. Expected base64.");
      return;
    }
    update([&](FakeRealtimeConnection& c) { c.audio_received.append(bytes->begin(), bytes->end()); });
    partial_.insert(partial_.end(), bytes->begin(), bytes->end());
    const auto whole = partial_.size() - partial_.size() % input_.bytes_per_sample();
    std::vector<std::int16_t> samples(whole / input_.bytes_per_sample());
    audio::decode_samples(input_.encoding, {partial_.data(), whole}, samples);
    partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(whole));
    for (const auto sample : samples) {
      window_energy_ += static_cast<double>(sample) * sample;
      if (++window_samples_ < input_.samples_in(kVadWindow)) continue;
      vad_window(std::sqrt(window_energy_ / static_cast<double>(window_samples_)));
      window_energy_ = 0.0;
      window_samples_ = 0;
    }
  }

  void vad_window(double rms) {
    received_ms_ += kVadWindow.count();
    if (!vad_on_) return;
    if (rms >= options_.vad_energy_threshold) {
      if (!speaking_) {
        speaking_ = true;
        user_item_ = "item_user_" + std::to_string(++item_ids_);
        const auto start = std::max<std::int64_t>(0, received_ms_ - kVadWindow.count() - prefix_ms_);
        send(event("input_audio_buffer.speech_started",
                   {{"audio_start_ms", start}, {"item_id", user_item_}}));
        if (!active_.empty() && interrupt_response_) cancel("turn_detected");
      }
      voice_end_ms_ = received_ms_;
      return;
    }
    if (speaking_ && received_ms_ - voice_end_ms_ >= silence_ms_) {
      speaking_ = false;
      commit_turn();
    }
  }

  void commit_turn() {
    send(event("input_audio_buffer.speech_stopped",
               {{"audio_end_ms", voice_end_ms_}, {"item_id", user_item_}}));
    send(event("input_audio_buffer.committed",
               {{"previous_item_id", last_item_}, {"item_id", user_item_}}));
    json::object item{{"id", user_item_},
                      {"object", "realtime.item"},
                      {"type", "message"},
                      {"status", "completed"},
                      {"role", "user"},
                      {"content", json::array{json::object{{"type", "input_audio"},
                                                           {"transcript", nullptr}}}}};
    send(event(name("conversation.item.created", "conversation.item.added"),
               {{"previous_item_id", last_item_}, {"item", item}}));
    last_item_ = user_item_;
    const auto transcript = turns_ < options_.user_transcripts.size()
                                ? options_.user_transcripts[turns_]
                                : std::string("(inaudible)");
    ++turns_;
    send(event("conversation.item.input_audio_transcription.completed",
               {{"item_id", user_item_}, {"content_index", 0}, {"transcript", transcript}}));
    if (create_response_ && active_.empty()) start_response(next_reply(), "");
  }

  // ---- conversation ----

  void item_create(const json::object& message) {
    const auto* item = message.if_contains("item");
    if (item == nullptr || !item->is_object()) {
      send_error("invalid_request_error", "missing_required_parameter",
                 "Missing required parameter: 'item'.");
      return;
    }
    auto created = item->as_object();
    const auto id = "item_client_" + std::to_string(++item_ids_);
    created["id"] = id;
    created["status"] = "completed";
    send(event(name("conversation.item.created", "conversation.item.added"),
               {{"previous_item_id", last_item_}, {"item", created}}));
    last_item_ = id;
  }

  FakeRealtimeReply next_reply() {
    if (replies_ < options_.replies.size()) return options_.replies[replies_++];
    return options_.default_reply;
  }

  void response_create(const json::object& message) {
    if (!active_.empty()) {
      send_error("invalid_request_error", "conversation_already_has_active_response",
                 "Conversation already has an active response in progress: " + active_ +
                     ". Wait until the response is finished before creating a new one.");
      return;
    }
    std::string instructions;
    if (const auto* response = message.if_contains("response"); response && response->is_object()) {
      if (const auto* text = response->as_object().if_contains("instructions");
          text && text->is_string()) {
        instructions = std::string(text->as_string());
      }
    }
    FakeRealtimeReply reply;
    if (const auto verbatim = verbatim_text(instructions)) {
      reply.text = *verbatim;
      reply.audio = options_.verbatim_audio_per_character *
                    static_cast<std::int64_t>(std::max<std::size_t>(verbatim->size(), 1));
    } else {
      reply = next_reply();
    }
    start_response(reply, instructions);
  }

  void start_response(const FakeRealtimeReply& reply, const std::string& instructions) {
    active_ = "resp_" + std::to_string(++response_ids_);
    active_item_ = "item_agent_" + std::to_string(++item_ids_);
    update([&](FakeRealtimeConnection& c) {
      c.response_instructions.push_back(instructions);
      ++c.responses_started;
    });
    Outbox::Item tags;
    tags.response_id = active_;
    send(event("response.created",
               {{"response", json::object{{"id", active_},
                                          {"object", "realtime.response"},
                                          {"status", "in_progress"},
                                          {"output", json::array{}}}}}),
         milliseconds(0), tags);
    if (reply.function_call) {
      function_call(*reply.function_call, tags);
    } else {
      speak(reply, tags);
    }
  }

  void speak(const FakeRealtimeReply& reply, const Outbox::Item& tags) {
    json::object item{{"id", active_item_}, {"object", "realtime.item"}, {"type", "message"},
                      {"status", "in_progress"}, {"role", "assistant"}, {"content", json::array{}}};
    const json::object ids{{"response_id", active_}, {"item_id", active_item_},
                           {"output_index", 0}, {"content_index", 0}};
    const auto with_ids = [&ids](json::object fields) {
      for (const auto& [key, value] : ids) fields[key] = value;
      return fields;
    };
    send(event("response.output_item.added",
               {{"response_id", active_}, {"output_index", 0}, {"item", item}}),
         milliseconds(0), tags);
    send(event(name("conversation.item.created", "conversation.item.added"),
               {{"previous_item_id", last_item_}, {"item", item}}),
         milliseconds(0), tags);
    last_item_ = active_item_;
    const auto part_type = ga_ ? "output_audio" : "audio";
    send(event("response.content_part.added",
               with_ids({{"part", json::object{{"type", part_type}, {"transcript", ""}}}})),
         milliseconds(0), tags);
    const auto chunk = std::max<std::int64_t>(options_.audio_chunk.count(), 10);
    const auto deltas = static_cast<std::size_t>((reply.audio.count() + chunk - 1) / chunk);
    const auto words = split_text(reply.text, deltas);
    milliseconds at(0);
    for (std::size_t i = 0; i < deltas; ++i) {
      const auto length = std::min<std::int64_t>(chunk, reply.audio.count() - static_cast<std::int64_t>(i) * chunk);
      auto audio_tags = tags;
      audio_tags.audio = true;
      audio_tags.audio_item = active_item_;
      audio_tags.audio_ms = length;
      send(event(name("response.audio.delta", "response.output_audio.delta"),
                 with_ids({{"delta", tone(milliseconds(length))}})),
           at, audio_tags);
      if (!words[i].empty()) {
        send(event(name("response.audio_transcript.delta", "response.output_audio_transcript.delta"),
                   with_ids({{"delta", words[i]}})),
             at, tags);
      }
      at += options_.delta_gap;
    }
    send(event(name("response.audio.done", "response.output_audio.done"), with_ids({})), at, tags);
    send(event(name("response.audio_transcript.done", "response.output_audio_transcript.done"),
               with_ids({{"transcript", reply.text}})),
         at, tags);
    send(event("response.content_part.done",
               with_ids({{"part", json::object{{"type", part_type}, {"transcript", reply.text}}}})),
         at, tags);
    item["status"] = "completed";
    item["content"] = json::array{json::object{{"type", part_type}, {"transcript", reply.text}}};
    send(event("response.output_item.done",
               {{"response_id", active_}, {"output_index", 0}, {"item", item}}),
         at, tags);
    finish("completed", usage(reply.audio.count() / 50, word_count(reply.text)), json::array{item},
           at);
  }

  void function_call(const FakeRealtimeFunctionCall& call, const Outbox::Item& tags) {
    const auto call_id = "call_" + std::to_string(++call_ids_);
    json::object item{{"id", active_item_},       {"object", "realtime.item"},
                      {"type", "function_call"},  {"status", "in_progress"},
                      {"call_id", call_id},       {"name", call.name},
                      {"arguments", ""}};
    send(event("response.output_item.added",
               {{"response_id", active_}, {"output_index", 0}, {"item", item}}),
         milliseconds(0), tags);
    const json::object ids{{"response_id", active_}, {"item_id", active_item_},
                           {"output_index", 0},      {"call_id", call_id}};
    auto delta = ids;
    delta["delta"] = call.arguments;
    send(event("response.function_call_arguments.delta", delta), options_.delta_gap, tags);
    auto done = ids;
    done["name"] = call.name;
    done["arguments"] = call.arguments;
    send(event("response.function_call_arguments.done", done), options_.delta_gap, tags);
    item["status"] = "completed";
    item["arguments"] = call.arguments;
    send(event("response.output_item.done",
               {{"response_id", active_}, {"output_index", 0}, {"item", item}}),
         options_.delta_gap, tags);
    last_item_ = active_item_;
    finish("completed", usage(0, 12), json::array{item}, options_.delta_gap);
  }

  json::object usage(std::int64_t output_audio, std::int64_t output_text) const {
    const std::int64_t input_text = 120;
    const std::int64_t input_audio = received_ms_ / 100;
    return {{"total_tokens", input_text + input_audio + output_audio + output_text},
            {"input_tokens", input_text + input_audio},
            {"output_tokens", output_audio + output_text},
            {"input_token_details",
             json::object{{"cached_tokens", 64},
                          {"text_tokens", input_text},
                          {"audio_tokens", input_audio},
                          {"cached_tokens_details",
                           json::object{{"text_tokens", 48}, {"audio_tokens", 16}}}}},
            {"output_token_details",
             json::object{{"text_tokens", output_text}, {"audio_tokens", output_audio}}}};
  }

  void finish(std::string_view status, json::object usage_block, json::array output,
              milliseconds at, std::string_view reason = {}) {
    json::value details = nullptr;
    if (!reason.empty()) details = json::object{{"type", status}, {"reason", reason}};
    Outbox::Item tags;
    tags.response_id = active_;
    tags.ends_response = true;
    send(event("response.done",
               {{"response", json::object{{"id", active_},
                                          {"object", "realtime.response"},
                                          {"status", status},
                                          {"status_details", details},
                                          {"output", std::move(output)},
                                          {"usage", std::move(usage_block)}}}}),
         at, tags);
  }

  // Ends the active response now: its queued events are dropped (except the late deltas the
  // knob keeps) and response.done says cancelled.
  void cancel(std::string_view reason) {
    std::size_t late = 0;
    std::erase_if(outbox_.items, [&](const Outbox::Item& item) {
      if (item.response_id != active_) return false;
      if (item.audio && late < options_.late_deltas_after_cancel) {
        ++late;
        return false;
      }
      return true;
    });
    update([](FakeRealtimeConnection& c) { ++c.responses_cancelled; });
    auto last = std::chrono::steady_clock::now();
    for (const auto& item : outbox_.items) last = std::max(last, item.due);
    const auto after = std::chrono::ceil<milliseconds>(last - std::chrono::steady_clock::now());
    finish("cancelled", usage(0, 0), json::array{}, std::max(after, milliseconds(0)), reason);
  }

  void truncate(const json::object& message) {
    FakeRealtimeTruncate seen;
    if (const auto* id = message.if_contains("item_id"); id && id->is_string()) {
      seen.item_id = std::string(id->as_string());
    }
    seen.content_index = number(message, "content_index", -1);
    seen.audio_end_ms = number(message, "audio_end_ms", -1);
    const auto sent = audio_sent_ms_.find(seen.item_id);
    seen.audio_sent_ms = sent == audio_sent_ms_.end() ? 0 : sent->second;
    update([&](FakeRealtimeConnection& c) { c.truncates.push_back(seen); });
    if (sent == audio_sent_ms_.end()) {
      send_error("invalid_request_error", "item_not_found",
                 "Item with item_id not found: " + seen.item_id);
      return;
    }
    if (seen.content_index != 0 || seen.audio_end_ms < 0 || seen.audio_end_ms > sent->second) {
      send_error("invalid_request_error", "invalid_value",
                 "Audio content of " + std::to_string(sent->second) +
                     "ms is shorter than requested audio_end_ms.");
      return;
    }
    send(event("conversation.item.truncated", {{"item_id", seen.item_id},
                                               {"content_index", 0},
                                               {"audio_end_ms", seen.audio_end_ms}}));
  }

  // `length` of tone in the output format, base64, its phase continuing across deltas.
  std::string tone(milliseconds length) {
    std::vector<std::int16_t> samples(output_.samples_in(length));
    for (auto& sample : samples) {
      sample = tone_sample(options_.tone_hz, options_.tone_amplitude, tone_position_++,
                           output_.sample_rate);
    }
    std::vector<std::uint8_t> bytes(samples.size() * output_.bytes_per_sample());
    audio::encode_samples(output_.encoding, samples, bytes);
    return core::encode_base64(bytes);
  }

  FakeWebSocket& socket_;
  const FakeOpenAiRealtimeOptions& options_;
  std::shared_ptr<detail::FakeOpenAiRealtimeState> state_;
  std::size_t index_;
  bool ga_;
  Outbox outbox_;
  json::object session_;
  WireFormat input_;
  WireFormat output_;
  std::size_t written_ = 0;
  std::uint64_t event_ids_ = 0;
  std::uint64_t item_ids_ = 0;
  std::uint64_t response_ids_ = 0;
  std::uint64_t call_ids_ = 0;
  std::size_t replies_ = 0;
  std::size_t turns_ = 0;
  std::string last_item_;
  std::string active_;  // the response in progress, empty when none
  std::string active_item_;
  std::map<std::string, std::int64_t> audio_sent_ms_;  // per assistant item
  std::int64_t tone_position_ = 0;

  bool vad_on_ = true;
  std::int64_t silence_ms_ = 500;
  std::int64_t prefix_ms_ = 300;
  bool create_response_ = true;
  bool interrupt_response_ = true;
  std::vector<std::uint8_t> partial_;  // bytes of a sample split across appends
  double window_energy_ = 0.0;
  std::size_t window_samples_ = 0;
  std::int64_t received_ms_ = 0;
  bool speaking_ = false;
  std::int64_t voice_end_ms_ = 0;
  std::string user_item_;
};

asio::awaitable<void> write_loop(FakeWebSocket& socket, Connection& connection,
                                 const FakeOpenAiRealtimeOptions& options,
                                 const std::shared_ptr<detail::FakeOpenAiRealtimeState>& state,
                                 std::size_t index) {
  auto& outbox = connection.outbox();
  bool malformed_sent = false;
  while (!outbox.broken && !(outbox.stopped && outbox.items.empty())) {
    const auto now = std::chrono::steady_clock::now();
    if (options.malformed_after_messages && !malformed_sent &&
        connection.written_count() >= *options.malformed_after_messages) {
      malformed_sent = true;
      try {
        co_await socket.send_text(options.malformed_text);
      } catch (const std::exception&) {
        outbox.broken = true;
      }
      continue;
    }
    if (options.drop_after_messages && connection.written_count() >= *options.drop_after_messages) {
      state->update(index, [](FakeRealtimeConnection& c) { c.dropped = true; });
      socket.disconnect();
      outbox.broken = true;
      break;
    }
    if (!outbox.items.empty() && outbox.items.front().due <= now) {
      auto item = std::move(outbox.items.front());
      outbox.items.pop_front();
      // Recorded first, so a test that saw the client react finds the message in the log.
      connection.written(item);
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

asio::awaitable<void> serve_connection(FakeWebSocket& socket, const FakeOpenAiRealtimeOptions& options,
                                       std::shared_ptr<detail::FakeOpenAiRealtimeState> state) {
  const auto& request = socket.request();
  FakeRealtimeConnection record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.beta_header = request.header("OpenAI-Beta");
  record.model = request.query_param("model").value_or("");
  record.ga = !record.beta_header.has_value();
  const bool ga = record.ga;
  const auto model = record.model;
  const auto index = state->add(std::move(record));

  int refuse = 0;
  if (request.header("Authorization") != "Bearer " + options.api_key) {
    refuse = 401;
  } else if (options.reject_status != 0) {
    refuse = options.reject_status;
  } else if (!ga && request.header("OpenAI-Beta") != "realtime=v1") {
    refuse = 400;
  }
  if (refuse != 0) {
    state->update(index, [](FakeRealtimeConnection& c) {
      c.rejected = true;
      c.ended = true;
    });
    co_await socket.reject(rejection(refuse));
    co_return;
  }
  co_await socket.accept();

  const auto executor = co_await asio::this_coro::executor;
  Connection connection(socket, options, state, index, ga, model, executor);
  asio::steady_timer writer_done(executor, SteadyTime::max());
  bool writing = true;
  asio::co_spawn(executor, write_loop(socket, connection, options, state, index),
                 [&writing, &writer_done](const std::exception_ptr&) {
                   writing = false;
                   writer_done.cancel();
                 });
  connection.opened();
  while (auto message = co_await socket.receive()) {
    if (message->binary) continue;
    connection.received(message->data);
  }
  connection.outbox().broken = true;
  connection.outbox().stopped = true;
  connection.outbox().wake.cancel();
  while (writing) {
    boost::system::error_code ignored;
    co_await writer_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  state->update(index, [](FakeRealtimeConnection& c) { c.ended = true; });
}

std::vector<std::string> matching(const std::vector<std::string>& messages,
                                  const std::vector<std::string>* types, std::string_view type) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (types != nullptr) {
      if ((*types)[i] == type) out.push_back(messages[i]);
      continue;
    }
    boost::system::error_code error;
    const auto parsed = json::parse(messages[i], error);
    if (error || !parsed.is_object()) continue;
    const auto* value = parsed.as_object().if_contains("type");
    if (value != nullptr && value->is_string() && value->as_string() == type) {
      out.push_back(messages[i]);
    }
  }
  return out;
}

std::string mulaw_tone(milliseconds length, double hz, int amplitude) {
  std::string audio;
  const auto count = length.count() * 8;
  for (std::int64_t n = 0; n < count; ++n) {
    audio.push_back(static_cast<char>(audio::mulaw_encode(tone_sample(hz, amplitude, n, 8000))));
  }
  return audio;
}

}  // namespace

std::size_t FakeRealtimeConnection::count_client(std::string_view type) const {
  return client(type).size();
}

std::size_t FakeRealtimeConnection::count_sent(std::string_view type) const {
  return sent_of(type).size();
}

std::vector<std::string> FakeRealtimeConnection::client(std::string_view type) const {
  return matching(client_messages, &client_types, type);
}

std::vector<std::string> FakeRealtimeConnection::sent_of(std::string_view type) const {
  return matching(sent, nullptr, type);
}

FakeOpenAiRealtime::FakeOpenAiRealtime(FakeOpenAiRealtimeOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeOpenAiRealtimeState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_websocket("/v1/realtime",
                       [this, state = state_](FakeWebSocket& socket) -> asio::awaitable<void> {
                         co_await serve_connection(socket, options_, state);
                       });
  server_.start();
}

FakeOpenAiRealtime::~FakeOpenAiRealtime() {
  server_.stop();
}

std::string FakeOpenAiRealtime::url() const {
  return server_.ws_url("/v1/realtime");
}

std::vector<FakeRealtimeConnection> FakeOpenAiRealtime::connections() const {
  return state_->snapshot();
}

bool FakeOpenAiRealtime::wait_for(
    const std::function<bool(const std::vector<FakeRealtimeConnection>&)>& done,
    milliseconds timeout) const {
  return state_->wait_for(done, timeout);
}

std::string FakeOpenAiRealtime::speech(milliseconds length) {
  return mulaw_tone(length, 300.0, 12000);
}

std::string FakeOpenAiRealtime::silence(milliseconds length) {
  return std::string(static_cast<std::size_t>(length.count() * 8), static_cast<char>(0xFF));
}

}  // namespace patter::fakes
