// The speaking half of a call: the brain (LLM with tools, or on_message), sentences, hooks,
// guardrails, text-to-speech and the reply's end, whether played out or interrupted.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>

#include "session/call_session.hpp"
#include "session/guardrails.hpp"
#include "session/stage_latency.hpp"
#include "session/text_filters.hpp"

namespace patter::session {

namespace {

// Hands a streamed on_message reply back to the call, tagged with the reply's epoch.
class SessionReplyWriter final : public ReplyWriter {
 public:
  SessionReplyWriter(std::weak_ptr<CallSession> session, std::shared_ptr<Executor> executor,
                     std::uint64_t epoch, std::function<void(CallSession&, std::uint64_t, std::string)> text,
                     std::function<void(CallSession&, std::uint64_t, std::optional<std::string>)> end)
      : session_(std::move(session)),
        executor_(std::move(executor)),
        epoch_(epoch),
        text_(std::move(text)),
        end_(std::move(end)) {}

  void write(std::string_view chunk) override {
    if (finished_ || chunk.empty()) return;
    post([this_text = text_, chunk = std::string(chunk), epoch = epoch_](CallSession& session) {
      this_text(session, epoch, chunk);
    });
  }
  void finish() override {
    if (finished_.exchange(true)) return;
    post([end = end_, epoch = epoch_](CallSession& session) { end(session, epoch, std::nullopt); });
  }
  void fail(std::string message) override {
    if (finished_.exchange(true)) return;
    post([end = end_, epoch = epoch_, message = std::move(message)](CallSession& session) {
      end(session, epoch, message);
    });
  }

 private:
  void post(std::function<void(CallSession&)> fn) {
    executor_->post([session = session_, fn = std::move(fn)] {
      if (auto live = session.lock(); live && !live->ended()) fn(*live);
    });
  }

  std::weak_ptr<CallSession> session_;
  std::shared_ptr<Executor> executor_;
  std::uint64_t epoch_;
  std::function<void(CallSession&, std::uint64_t, std::string)> text_;
  std::function<void(CallSession&, std::uint64_t, std::optional<std::string>)> end_;
  std::atomic<bool> finished_{false};
};

std::string join_words(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

// The first `fraction` of `text`, cut back to a word boundary.
std::string leading_part(const std::string& text, double fraction) {
  if (fraction >= 1.0) return text;
  if (fraction <= 0.0) return {};
  std::size_t cut = static_cast<std::size_t>(static_cast<double>(text.size()) * fraction);
  while (cut > 0 && text[cut] != ' ') --cut;
  return text.substr(0, cut);
}

}  // namespace

std::vector<ToolSchema> CallSession::tool_schemas() const {
  std::vector<ToolSchema> schemas;
  for (const auto& tool : agent_.tools) {
    schemas.push_back(ToolSchema{tool.name, tool.description, tool.parameters_json});
  }
  if (agent_.builtin_tools) {
    for (auto& schema : builtin_tool_schemas()) schemas.push_back(std::move(schema));
  }
  return schemas;
}

void CallSession::start_reply(std::string user_text, TurnStamps stamps) {
  ++epoch_;
  reply_.emplace();
  Reply& reply = *reply_;
  reply.epoch = epoch_;
  reply.turn_index = turn_index_;
  reply.user_text = std::move(user_text);
  reply.stamps = stamps;
  SentenceChunkerOptions chunking;
  chunking.aggressive_first_flush = agent_.aggressive_first_flush;
  chunking.language = agent_.language;
  reply.chunker = SentenceChunker(chunking);
  set_state(std::nullopt, AgentState::thinking);
  if (reply.user_text.empty()) return;  // resumed or greeting: the text is supplied directly
  messages_.push_back(ChatMessage{Role::user, reply.user_text, {}, {}, {}});
  run_brain();
}

void CallSession::start_first_message() {
  TurnStamps stamps;
  stamps.turn_start = clock_.now();
  start_reply({}, stamps);
  reply_->first_message = true;
  on_brain_text(reply_->epoch, agent_.first_message);
  on_brain_done(reply_->epoch);
}

void CallSession::run_brain() {
  Reply& reply = *reply_;
  const std::uint64_t epoch = reply.epoch;
  if (callbacks_.on_message) {
    MessageContext context{reply.user_text, setup_.parties, history(), control_};
    auto writer = std::make_shared<SessionReplyWriter>(
        weak_from_this(), services_.executor, epoch,
        [](CallSession& session, std::uint64_t at, std::string text) { session.on_brain_text(at, text); },
        [](CallSession& session, std::uint64_t at, std::optional<std::string> error) {
          if (error) {
            session.on_brain_error(at, *error);
          } else {
            session.on_brain_done(at);
          }
        });
    const OnMessage& brain = callbacks_.on_message;
    if (!brain.url.empty()) {
      if (!services_.remote_brain) {
        on_brain_error(epoch, "on_message is a URL but this runtime has no remote brain client");
        return;
      }
      reply.remote = services_.remote_brain->ask(brain, context, writer);
    } else if (brain.stream) {
      run_user("on_message", [fn = brain.stream, context, writer] {
        try {
          fn(context, writer);
        } catch (const std::exception& error) {
          writer->fail(std::string("on_message raised: ") + error.what());
        }
      });
    } else {
      run_user("on_message", [fn = brain.reply, context, writer] {
        try {
          writer->write(fn(context));
          writer->finish();
        } catch (const std::exception& error) {
          writer->fail(std::string("on_message raised: ") + error.what());
        }
      });
    }
    return;
  }
  reply.working = messages_;
  if (!agent_.hooks.before_llm) {
    request_llm();
    return;
  }
  run_user("before_llm", [post = poster(), hook = agent_.hooks.before_llm, messages = reply.working,
                          context = hook_context(), epoch] {
    std::optional<std::vector<ChatMessage>> replaced;
    try {
      replaced = hook(messages, context);
    } catch (const std::exception& error) {
      spdlog::warn("before_llm raised (messages kept): {}", error.what());
    }
    post([replaced = std::move(replaced), epoch](CallSession& session) {
      if (!session.reply_ || session.reply_->epoch != epoch) return;
      if (replaced) session.reply_->working = *replaced;
      session.request_llm();
    });
  });
}

void CallSession::request_llm() {
  Reply& reply = *reply_;
  const std::uint64_t epoch = reply.epoch;
  LlmRequest request{reply.working, tool_schemas()};
  for (const auto& message : request.messages) reply.prompt_characters += message.content.size();
  auto post = poster();
  LlmEvents events;
  events.on_text = [post, epoch](std::string_view delta) {
    post([epoch, text = std::string(delta)](CallSession& session) { session.on_brain_text(epoch, text); });
  };
  events.on_tool_call = [post, epoch](const ToolCall& call) {
    post([epoch, call](CallSession& session) {
      if (session.reply_ && session.reply_->epoch == epoch) session.reply_->tool_calls.push_back(call);
    });
  };
  events.on_usage = [post, epoch](const patter::LlmUsage& usage) {
    post([epoch, usage](CallSession& session) {
      if (!session.reply_ || session.reply_->epoch != epoch) return;
      session.reply_->usage_reported = true;
      session::LlmUsage billed{static_cast<std::uint64_t>(std::max<std::int64_t>(usage.input_tokens, 0)),
                               static_cast<std::uint64_t>(std::max<std::int64_t>(usage.output_tokens, 0)),
                               static_cast<std::uint64_t>(std::max<std::int64_t>(usage.cache_read_tokens, 0)),
                               static_cast<std::uint64_t>(std::max<std::int64_t>(usage.cache_write_tokens, 0))};
      session.cost_.add_llm_usage(usage.model.empty() ? session.agent_.llm->model() : usage.model,
                                  billed);
    });
  };
  events.on_done = [post, epoch](FinishReason reason) {
    post([epoch, reason](CallSession& session) { session.on_llm_done(epoch, reason); });
  };
  events.on_error = [post, epoch](const std::string& message) {
    post([epoch, message](CallSession& session) { session.on_brain_error(epoch, message); });
  };
  events.on_request_written = [post, epoch] {
    post([epoch](CallSession& session) {
      if (!session.reply_ || session.reply_->epoch != epoch) return;
      auto& written = session.reply_->stamps.llm_request_written;
      if (!written) written = session.clock_.now();
    });
  };
  try {
    reply.llm = agent_.llm->stream(stream_context_, std::move(request), std::move(events));
  } catch (const std::exception& error) {
    on_brain_error(epoch, error.what());
  }
}

void CallSession::on_brain_text(std::uint64_t epoch, std::string_view delta) {
  if (!reply_ || reply_->epoch != epoch || reply_->brain_done) return;
  Reply& reply = *reply_;
  if (!reply.stamps.llm_first_token && !reply.first_message && !reply.resumed) {
    reply.stamps.llm_first_token = clock_.now();
    CallEvent metrics;
    metrics.type = EventType::llm_metrics;
    if (reply.stamps.turn_commit) {
      metrics.data = "{\"ttft_ms\":" +
                     std::to_string(core::elapsed_ms(*reply.stamps.turn_commit, clock_.now())) + "}";
    }
    emit(std::move(metrics));
    if (auto& fn = callbacks_.speech_edges.on_llm_token; fn && !reply.llm_token_reported) {
      const LlmFirstToken payload{monotonic_ms(), reply.turn_index,
                                  agent_.llm ? agent_.llm->name() : std::string("on_message"),
                                  agent_.llm ? agent_.llm->model() : std::string{}};
      run_user("on_llm_token", [fn, payload] { fn(payload); });
    }
    reply.llm_token_reported = true;
  }
  std::string text(delta);
  if (agent_.hooks.after_llm.on_chunk && !reply.first_message) {
    try {
      text = agent_.hooks.after_llm.on_chunk(text);
    } catch (const std::exception& error) {
      spdlog::warn("after_llm.on_chunk raised (chunk kept): {}", error.what());
    }
  }
  if (text.empty()) return;
  reply.iteration_text += text;
  reply.completion_characters += text.size();
  CallEvent chunk;
  chunk.type = EventType::llm_chunk;
  chunk.text = text;
  chunk.data = "{\"iteration\":" + std::to_string(reply.tool_iterations) + "}";
  emit(std::move(chunk));
  if (agent_.hooks.after_llm.on_response && !reply.first_message && !reply.resumed) {
    reply.buffered_reply += text;
    return;
  }
  take_sentences(reply.chunker.push(text));
}

void CallSession::on_llm_done(std::uint64_t epoch, FinishReason reason) {
  if (!reply_ || reply_->epoch != epoch) return;
  reply_->llm.reset();
  if (reply_->tool_calls.empty()) {
    if (reason == FinishReason::length) spdlog::warn("call {}: the model hit its length limit", call_id());
    on_brain_done(epoch);
    return;
  }
  if (auto rest = reply_->chunker.flush()) take_sentences({*rest});
  run_tools();
}

void CallSession::run_tools() {
  Reply& reply = *reply_;
  const std::uint64_t epoch = reply.epoch;
  ChatMessage assistant{Role::assistant, std::exchange(reply.iteration_text, {}), reply.tool_calls, {}, {}};
  reply.working.push_back(assistant);
  messages_.push_back(std::move(assistant));
  ++reply.tool_iterations;
  const auto calls = reply.tool_calls;
  reply.tool_results.assign(calls.size(), {});
  reply.tools_outstanding = calls.size();
  for (std::size_t index = 0; index < calls.size(); ++index) {
    const ToolCall& call = calls[index];
    CallEvent started;
    started.type = EventType::tool_call_started;
    started.text = call.name;
    started.data = call.arguments;
    emit(std::move(started));
    if (agent_.builtin_tools) {
      if (auto outcome = run_builtin_tool(call)) {
        if (outcome->action != AfterSpeech::none) {
          reply.after_speech = outcome->action;
          reply.after_speech_argument = outcome->argument;
        }
        on_tool_result(epoch, index, outcome->result);
        continue;
      }
    }
    const auto tool = std::find_if(agent_.tools.begin(), agent_.tools.end(),
                                   [&](const Tool& candidate) { return candidate.name == call.name; });
    if (tool == agent_.tools.end()) {
      on_tool_result(epoch, index, R"({"error":"unknown tool )" + call.name + R"(","fallback":true})");
      continue;
    }
    auto deliver = [post = poster(), epoch, index](std::string result) {
      post([epoch, index, result = std::move(result)](CallSession& session) {
        session.on_tool_result(epoch, index, result);
      });
    };
    if (tool->handler) {
      run_user("tool " + tool->name, [handler = tool->handler, call, parties = setup_.parties, deliver] {
        std::string result;
        try {
          result = handler(call.arguments, parties);
        } catch (const std::exception& error) {
          result = std::string(R"({"error":")") + error.what() + R"(","fallback":true})";
        }
        deliver(std::move(result));
      });
    } else if (services_.tool_webhooks) {
      reply.tool_requests.push_back(services_.tool_webhooks->invoke(*tool, call, setup_.parties, deliver));
    } else {
      on_tool_result(epoch, index, R"({"error":"webhook tools are not available here","fallback":true})");
    }
  }
}

void CallSession::on_tool_result(std::uint64_t epoch, std::size_t index, std::string result) {
  if (!reply_ || reply_->epoch != epoch || index >= reply_->tool_results.size()) return;
  Reply& reply = *reply_;
  reply.tool_results[index] = std::move(result);
  if (--reply.tools_outstanding > 0) return;
  for (std::size_t i = 0; i < reply.tool_calls.size(); ++i) {
    ChatMessage message{Role::tool, reply.tool_results[i], {}, reply.tool_calls[i].id,
                        reply.tool_calls[i].name};
    reply.working.push_back(message);
    messages_.push_back(std::move(message));
  }
  reply.tool_calls.clear();
  reply.tool_results.clear();
  reply.tool_requests.clear();
  if (reply.tool_iterations >= agent_.max_tool_iterations) {
    spdlog::warn("call {}: stopped after {} tool iterations", call_id(), reply.tool_iterations);
    on_brain_done(epoch);
    return;
  }
  request_llm();
}

void CallSession::on_brain_done(std::uint64_t epoch) {
  if (!reply_ || reply_->epoch != epoch || reply_->brain_done) return;
  Reply& reply = *reply_;
  reply.llm.reset();
  reply.stamps.llm_complete = clock_.now();
  if (agent_.llm && !reply.usage_reported && !reply.first_message && !reply.resumed) {
    cost_.add_estimated_llm_usage(agent_.llm->model(), reply.prompt_characters,
                                  reply.completion_characters);
  }
  if (agent_.hooks.after_llm.on_response && !reply.first_message && !reply.resumed) {
    run_user("after_llm.on_response", [post = poster(), hook = agent_.hooks.after_llm.on_response,
                                       text = reply.buffered_reply, context = hook_context(), epoch] {
      std::optional<std::string> replaced;
      try {
        replaced = hook(text, context);
      } catch (const std::exception& error) {
        spdlog::warn("after_llm.on_response raised (reply kept): {}", error.what());
      }
      post([epoch, final_text = replaced.value_or(text)](CallSession& session) {
        if (!session.reply_ || session.reply_->epoch != epoch) return;
        Reply& current = *session.reply_;
        session.take_sentences(current.chunker.push(final_text));
        if (auto rest = current.chunker.flush()) session.take_sentences({*rest});
        current.brain_done = true;
        session.maybe_finish_reply();
      });
    });
    return;
  }
  if (auto rest = reply.chunker.flush()) take_sentences({*rest});
  reply.brain_done = true;
  maybe_finish_reply();
}

void CallSession::on_brain_error(std::uint64_t epoch, const std::string& message) {
  if (!reply_ || reply_->epoch != epoch) return;
  spdlog::error("call {}: the brain failed: {}", call_id(), message);
  reply_->llm.reset();
  reply_->chunker.reset();
  reply_->buffered_reply.clear();
  reply_->brain_done = true;
  maybe_finish_reply();
}

void CallSession::take_sentences(std::vector<std::string> sentences) {
  Reply& reply = *reply_;
  const std::uint64_t epoch = reply.epoch;
  for (auto& raw : sentences) {
    std::string sentence = reply.first_message ? std::move(raw) : filter_for_tts(raw);
    if (sentence.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    if (!sentence_hooks_ || reply.first_message || reply.resumed) {
      reply.ready_sentences.push_back(std::move(sentence));
      continue;
    }
    ++reply.sentences_in_hooks;
    // The job gets its own copies of the hooks: it must not touch the session off its thread.
    run_user("sentence hooks", [post = poster(), guardrails = agent_.guardrails,
                                on_sentence = agent_.hooks.after_llm.on_sentence,
                                transforms = agent_.text_transforms,
                                before_synthesize = agent_.hooks.before_synthesize,
                                sentence = std::move(sentence), context = hook_context(), epoch] {
      std::optional<std::string> text = sentence;
      if (auto replacement = apply_guardrails(guardrails, *text)) text = *replacement;
      if (on_sentence) {
        try {
          if (auto changed = on_sentence(*text, context)) {
            text = changed->empty() ? std::nullopt : std::optional(*changed);
          }
        } catch (const std::exception& error) {
          spdlog::warn("after_llm.on_sentence raised (sentence kept): {}", error.what());
        }
      }
      for (const auto& transform : transforms) {
        if (!text) break;
        try {
          text = transform(*text);
        } catch (const std::exception& error) {
          spdlog::warn("text transform raised (sentence kept): {}", error.what());
        }
      }
      if (text && before_synthesize) {
        try {
          text = before_synthesize(*text, context);
        } catch (const std::exception& error) {
          spdlog::warn("before_synthesize raised (sentence kept): {}", error.what());
        }
      }
      post([epoch, text](CallSession& session) { session.sentence_ready(epoch, text); });
    });
  }
  speak_next_sentence();
}

void CallSession::sentence_ready(std::uint64_t epoch, std::optional<std::string> sentence) {
  if (!reply_ || reply_->epoch != epoch) return;
  --reply_->sentences_in_hooks;
  if (sentence && sentence->find_first_not_of(" \t\r\n") != std::string::npos) {
    reply_->ready_sentences.push_back(std::move(*sentence));
  }
  speak_next_sentence();
  maybe_finish_reply();
}

void CallSession::speak_next_sentence() {
  while (reply_ && !reply_->tts_busy && !reply_->ready_sentences.empty()) {
    Reply& reply = *reply_;
    const std::uint64_t epoch = reply.epoch;
    std::string sentence = std::move(reply.ready_sentences.front());
    reply.ready_sentences.pop_front();
    if (!reply.stamps.first_sentence) reply.stamps.first_sentence = clock_.now();
    reply.tts_characters += sentence.size();
    if (!speech_) {
      cost_.add_tts_text(sentence);
      carrier_->send_text(sentence);
      reply.spoken.push_back(SpokenSentence{sentence, 0, 0});
      continue;
    }
    if (!reply.speech_begun) {
      speech_->begin_turn(agent_.tts->output_format());
      reply.speech_begun = true;
    }
    reply.current = SpokenSentence{sentence, speech_->turn_samples_pushed(), 0};
    reply.tts_busy = true;
    auto post = poster();
    TtsEvents events;
    events.on_audio = [post, epoch](std::span<const std::uint8_t> audio) {
      post([epoch, audio = std::vector<std::uint8_t>(audio.begin(), audio.end())](CallSession& session) mutable {
        session.on_tts_audio(epoch, std::move(audio));
      });
    };
    events.on_done = [post, epoch] {
      post([epoch](CallSession& session) { session.on_tts_done(epoch); });
    };
    events.on_error = [post, epoch](const std::string& message) {
      post([epoch, message](CallSession& session) {
        spdlog::error("call {}: text-to-speech failed: {}", session.call_id(), message);
        session.on_tts_done(epoch);
      });
    };
    events.on_request_written = [post, epoch] {
      post([epoch](CallSession& session) {
        if (!session.reply_ || session.reply_->epoch != epoch) return;
        auto& written = session.reply_->stamps.tts_request_written;
        if (!written) written = session.clock_.now();
      });
    };
    // A fallback voice announces the provider of each attempt, the first during synthesize().
    auto announced = std::make_shared<bool>(false);
    events.on_provider = [post, announced, sentence](const std::string& provider) {
      *announced = true;
      post([sentence, provider](CallSession& session) {
        session.cost_.add_tts_text(sentence, provider);
      });
    };
    try {
      reply.tts = agent_.tts->synthesize(stream_context_, sentence, std::move(events));
      if (!*announced) cost_.add_tts_text(sentence);
    } catch (const std::exception& error) {
      spdlog::error("call {}: text-to-speech failed: {}", call_id(), error.what());
      reply.tts_busy = false;
      reply.current.reset();
    }
  }
}

void CallSession::on_tts_audio(std::uint64_t epoch, std::vector<std::uint8_t> audio) {
  if (!reply_ || reply_->epoch != epoch || !speech_) return;
  Reply& reply = *reply_;
  if (!reply.stamps.tts_first_byte) {
    reply.stamps.tts_first_byte = clock_.now();
    CallEvent metrics;
    metrics.type = EventType::tts_metrics;
    if (reply.stamps.first_sentence) {
      metrics.data = "{\"ttfb_ms\":" +
                     std::to_string(core::elapsed_ms(*reply.stamps.first_sentence, clock_.now())) + "}";
    }
    emit(std::move(metrics));
    if (auto& fn = callbacks_.speech_edges.on_audio_out; fn && !reply.audio_out_reported) {
      const AudioOut payload{monotonic_ms(), reply.turn_index, agent_.tts->name()};
      run_user("on_audio_out", [fn, payload] { fn(payload); });
    }
    reply.audio_out_reported = true;
  }
  reply.stamps.tts_last_byte = clock_.now();
  if (agent_.hooks.after_synthesize) {
    try {
      auto changed = agent_.hooks.after_synthesize(audio, reply.current ? reply.current->text : std::string{},
                                                   setup_.parties);
      if (!changed) return;
      audio = std::move(*changed);
    } catch (const std::exception& error) {
      spdlog::warn("after_synthesize raised (audio kept): {}", error.what());
    }
  }
  CallEvent chunk;
  chunk.type = EventType::tts_chunk;
  chunk.bytes = audio.size();
  emit(std::move(chunk));
  speech_->push(audio);
  if (reply_ && reply_->epoch == epoch && !reply_->stamps.first_frame_sent) {
    reply_->stamps.first_frame_sent = speech_->first_audio_sent();
  }
}

void CallSession::on_tts_done(std::uint64_t epoch) {
  if (!reply_ || reply_->epoch != epoch) return;
  Reply& reply = *reply_;
  if (reply.current) {
    reply.current->end_sample = speech_->turn_samples_pushed();
    reply.spoken.push_back(std::move(*reply.current));
    reply.current.reset();
  }
  reply.tts.reset();
  reply.tts_busy = false;
  speak_next_sentence();
  maybe_finish_reply();
}

void CallSession::maybe_finish_reply() {
  if (!reply_) return;
  Reply& reply = *reply_;
  if (!reply.brain_done || reply.finishing || reply.sentences_in_hooks > 0 ||
      !reply.ready_sentences.empty() || reply.tts_busy || reply.tools_outstanding > 0) {
    return;
  }
  reply.finishing = true;
  if (speech_ && reply.speech_begun) {
    speech_->finish_turn();
    return;
  }
  if (reply.spoken.empty()) {
    spdlog::warn("call {}: the reply is empty; no TTS will play", call_id());
  }
  complete_reply(false);
}

void CallSession::on_reply_played_out() {
  if (reply_ && reply_->finishing) complete_reply(false);
}

void CallSession::complete_reply(bool interrupted) {
  Reply reply = std::move(*reply_);
  reply_.reset();
  std::string agent_text;
  for (const auto& sentence : reply.spoken) agent_text = join_words(agent_text, sentence.text);
  if (interrupted) {
    record_turn(reply, interrupted_agent_text(agent_text));
  } else {
    record_turn(reply, agent_text);
  }
  if (!agent_text.empty()) {
    add_history("assistant", agent_text);
    messages_.push_back(ChatMessage{Role::assistant, agent_text, {}, {}, {}});
  }
  if (reply.speech_begun) {
    if (auto& fn = callbacks_.speech_edges.on_agent_speech_ended) {
      const double duration = reply.stamps.tts_first_byte
                                  ? core::elapsed_ms(*reply.stamps.tts_first_byte, clock_.now())
                                  : 0.0;
      const AgentSpeechEnded payload{monotonic_ms(), reply.turn_index, duration, interrupted};
      run_user("on_agent_speech_ended", [fn, payload] { fn(payload); });
    }
  }
  if (reply.after_speech != AfterSpeech::none) {
    after_speech_action(reply.after_speech, reply.after_speech_argument);
    return;
  }
  set_state(std::nullopt, AgentState::listening);
}

void CallSession::interrupt_reply() {
  if (!reply_) return;
  Reply& reply = *reply_;
  ++epoch_;
  if (reply.llm) reply.llm->cancel();
  if (reply.remote) reply.remote->cancel();
  if (reply.tts) reply.tts->cancel();
  for (auto& request : reply.tool_requests) request->cancel();
  const std::string played = played_text();
  if (speech_ && reply.speech_begun) speech_->interrupt();
  reply.stamps.tts_stopped = clock_.now();
  // Only what the caller actually heard stays in the conversation.
  reply.spoken.clear();
  reply.current.reset();
  if (!played.empty()) reply.spoken.push_back(SpokenSentence{played, 0, 0});
  complete_reply(true);
}

std::string CallSession::played_text() const {
  if (!reply_) return {};
  const Reply& reply = *reply_;
  if (!speech_) {
    std::string all;
    for (const auto& sentence : reply.spoken) all = join_words(all, sentence.text);
    return all;
  }
  const std::size_t played = speech_->turn_samples_played();
  std::string text;
  auto take = [&](const SpokenSentence& sentence, std::size_t end) {
    if (played >= end) {
      text = join_words(text, sentence.text);
    } else if (played > sentence.start_sample && end > sentence.start_sample) {
      const double fraction = static_cast<double>(played - sentence.start_sample) /
                              static_cast<double>(end - sentence.start_sample);
      text = join_words(text, leading_part(sentence.text, fraction));
    }
  };
  for (const auto& sentence : reply.spoken) take(sentence, sentence.end_sample);
  if (reply.current) take(*reply.current, speech_->turn_samples_pushed());
  return text;
}

std::string CallSession::unplayed_text() const {
  if (!reply_) return {};
  const Reply& reply = *reply_;
  std::string all;
  for (const auto& sentence : reply.spoken) all = join_words(all, sentence.text);
  if (reply.current) all = join_words(all, reply.current->text);
  const std::string played = played_text();
  std::string rest = played.size() < all.size() ? all.substr(played.size()) : std::string{};
  for (const auto& sentence : reply.ready_sentences) rest = join_words(rest, sentence);
  const auto first = rest.find_first_not_of(' ');
  return first == std::string::npos ? std::string{} : rest.substr(first);
}

void CallSession::after_speech_action(AfterSpeech action, const std::string& argument) {
  if (ended_) return;
  if (action == AfterSpeech::transfer) {
    add_history("system", "Call transferred to " + argument);
    carrier_->transfer(argument);
    end("transferred to " + argument);
  } else if (action == AfterSpeech::hang_up) {
    add_history("system", "Call ended: " + argument);
    carrier_->hang_up();
    end("agent ended the call: " + argument);
  }
}

void CallSession::record_turn(const Reply& reply, std::string agent_text) {
  TurnMetrics turn;
  turn.turn_index = reply.turn_index;
  turn.user_text = reply.user_text;
  turn.agent_text = std::move(agent_text);
  turn.latency = compute_latency(reply.stamps);
  StageLatencies::process().record_turn(reply.stamps);
  turn.stt_audio_seconds = cost_.stt_seconds() - stt_seconds_at_last_turn_;
  stt_seconds_at_last_turn_ = cost_.stt_seconds();
  turn.tts_characters = reply.tts_characters;
  turn.timestamp = clock_.wall_now();
  recorder_.add_turn(turn);
  if (services_.observer) services_.observer->turn_completed(call_id(), turn);
  for (const auto type : {EventType::turn_ended, EventType::metrics_collected}) {
    CallEvent event;
    event.type = type;
    event.turn = reply.turn_index;
    event.turn_metrics = turn;
    emit(std::move(event));
  }
  if (auto& fn = callbacks_.on_metrics) {
    MetricsEvent event{call_id(), turn, cost_.breakdown(), turn.latency.llm_ttft_ms};
    run_user("on_metrics", [fn, event = std::move(event)] { fn(event); });
  }
}

}  // namespace patter::session
