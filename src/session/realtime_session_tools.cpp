// Function calls of a realtime call: the built-ins (transfer_call, end_call), the agent's
// handlers and webhook tools, their results back to the engine, and the transfer or hang-up
// that waits for the agent to finish speaking.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "session/realtime_session.hpp"

namespace patter::session {

namespace {

// The engine's answer to a built-in tool's result is spoken before the transfer or hang-up; an
// engine that gives none does not hold the call open longer than this.
constexpr auto kFollowUpWait = std::chrono::seconds{3};

}  // namespace

void RealtimeSession::on_tool_call(const ToolCall& call) {
  Response& response = ensure_response();
  ++response.tool_calls;
  const std::uint64_t epoch = response.epoch;
  CallEvent started;
  started.type = EventType::tool_call_started;
  started.turn = response.turn_index;
  started.text = call.name;
  started.data = call.arguments;
  emit(std::move(started));

  if (agent_.builtin_tools) {
    if (auto outcome = run_builtin_tool(call)) {
      if (outcome->action != AfterSpeech::none) {
        after_speech_ = outcome->action;
        after_speech_argument_ = outcome->argument;
        follow_up_ = FollowUp::awaiting_calling_response_end;
      }
      send_tool_result(epoch, call.id, outcome->result);
      return;
    }
  }
  const auto tool = std::find_if(agent_.tools.begin(), agent_.tools.end(),
                                 [&](const Tool& candidate) { return candidate.name == call.name; });
  if (tool == agent_.tools.end()) {
    spdlog::warn("call {}: the engine called an unknown tool {}", call_id(), call.name);
    send_tool_result(epoch, call.id, R"({"error":"unknown tool )" + call.name + R"(","fallback":true})");
    return;
  }
  auto deliver = [post = poster(), epoch, id = call.id](std::string result) {
    post([epoch, id, result = std::move(result)](RealtimeSession& session) {
      session.send_tool_result(epoch, id, result);
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
    tool_requests_.push_back(services_.tool_webhooks->invoke(*tool, call, setup_.parties, deliver));
  } else {
    send_tool_result(epoch, call.id, R"({"error":"webhook tools are not available here","fallback":true})");
  }
}

// A result for a response the caller has since interrupted is dropped, like everything else of
// that response.
void RealtimeSession::send_tool_result(std::uint64_t epoch, const std::string& id, const std::string& result) {
  if (epoch != epoch_) {
    spdlog::debug("call {}: tool result for {} dropped: the response was interrupted", call_id(), id);
    return;
  }
  if (engine_) engine_->send_tool_result(id, result);
}

void RealtimeSession::note_response_done_for_follow_up(bool had_tool_calls) {
  if (follow_up_ != FollowUp::awaiting_calling_response_end || !had_tool_calls) return;
  follow_up_ = FollowUp::awaiting_response;
  follow_up_timer_ = clock_.schedule_after(kFollowUpWait, [this] {
    if (follow_up_ != FollowUp::awaiting_response) return;
    follow_up_ = FollowUp::none;
    maybe_act_after_speech();
  });
}

void RealtimeSession::note_response_opened_for_follow_up() {
  if (follow_up_ != FollowUp::awaiting_response) return;
  follow_up_ = FollowUp::none;
  follow_up_timer_.cancel();
}

void RealtimeSession::maybe_act_after_speech() {
  if (ended_ || after_speech_ == AfterSpeech::none) return;
  if (response_ || follow_up_ != FollowUp::none) return;
  const AfterSpeech action = std::exchange(after_speech_, AfterSpeech::none);
  const std::string argument = std::exchange(after_speech_argument_, {});
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

}  // namespace patter::session
