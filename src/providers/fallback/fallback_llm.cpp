#include "providers/fallback/fallback_llm.hpp"

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "providers/fallback/attempt_plan.hpp"

namespace patter::providers {

namespace {

// One reply: the attempts on the chain's providers and the events passed on to the caller.
// Lives on the call's executor; inner events reach it there through post_to().
class LlmReply : public std::enable_shared_from_this<LlmReply> {
 public:
  LlmReply(std::shared_ptr<ProviderChain<LlmProvider>> chain, StreamContext context,
           LlmRequest request, LlmEvents events)
      : chain_(std::move(chain)),
        context_(std::move(context)),
        request_(std::move(request)),
        events_(std::move(events)),
        plan_(chain_->health, chain_->settings.max_retry_per_provider, context_.call_id) {}

  // Opens the first provider that does not throw; false when every one threw.
  bool start() { return open(); }

  void cancel() {
    ended_ = true;
    ++generation_;
    if (inner_) inner_->cancel();
    inner_.reset();
  }

  [[nodiscard]] std::string every_failure() const {
    return "fallback: every provider failed: " + plan_.failures(chain_->health);
  }

 private:
  bool open() {
    while (const auto index = plan_.current()) {
      const auto generation = ++generation_;
      try {
        inner_ = chain_->providers[*index]->stream(context_, request_, inner_events(generation));
        return true;
      } catch (const std::exception& error) {
        plan_.failed(chain_->health, error.what());
      }
    }
    return false;
  }

  [[nodiscard]] bool live(std::uint64_t generation) const {
    return !ended_ && generation == generation_;
  }

  LlmEvents inner_events(std::uint64_t generation) {
    const std::weak_ptr<LlmReply> weak = weak_from_this();
    const auto executor = context_.executor;
    LlmEvents events;
    events.on_text = [weak, executor, generation](std::string_view delta) {
      post_to(*executor, weak, [generation, text = std::string(delta)](LlmReply& self) {
        if (self.live(generation)) self.text(text);
      });
    };
    events.on_tool_call = [weak, executor, generation](const ToolCall& call) {
      post_to(*executor, weak, [generation, call](LlmReply& self) {
        if (self.live(generation)) self.tool_call(call);
      });
    };
    events.on_usage = [weak, executor, generation](const LlmUsage& usage) {
      post_to(*executor, weak, [generation, usage](LlmReply& self) {
        if (!self.live(generation) || !self.events_.on_usage) return;
        LlmUsage named = usage;
        if (const auto index = self.plan_.current(); index && named.model.empty()) {
          named.model = self.chain_->providers[*index]->model();
        }
        self.events_.on_usage(named);
      });
    };
    events.on_done = [weak, executor, generation](FinishReason reason) {
      post_to(*executor, weak, [generation, reason](LlmReply& self) {
        if (self.live(generation)) self.done(reason);
      });
    };
    events.on_error = [weak, executor, generation](const std::string& message) {
      post_to(*executor, weak, [generation, message](LlmReply& self) {
        if (self.live(generation)) self.error(message);
      });
    };
    events.on_request_written = [weak, executor, generation] {
      post_to(*executor, weak, [generation](LlmReply& self) {
        if (!self.live(generation) || std::exchange(self.request_reported_, true)) return;
        if (self.events_.on_request_written) self.events_.on_request_written();
      });
    };
    return events;
  }

  void started() {
    if (std::exchange(started_, true)) return;
    if (const auto index = plan_.current()) chain_->health.mark_working(*index);
  }

  void text(const std::string& delta) {
    started();
    if (events_.on_text) events_.on_text(delta);
  }

  void tool_call(const ToolCall& call) {
    started();
    if (events_.on_tool_call) events_.on_tool_call(call);
  }

  void done(FinishReason reason) {
    started();
    ended_ = true;
    if (events_.on_done) events_.on_done(reason);
  }

  void error(const std::string& message) {
    const auto index = plan_.current();
    if (started_ || !index) {
      // The caller holds part of this reply: the failure cannot be hidden.
      if (index) chain_->health.mark_failed(*index, message);
      fail(message);
      return;
    }
    inner_.reset();
    plan_.failed(chain_->health, message);
    if (!open()) fail(every_failure());
  }

  void fail(const std::string& message) {
    ended_ = true;
    inner_.reset();
    if (events_.on_error) events_.on_error(message);
  }

  std::shared_ptr<ProviderChain<LlmProvider>> chain_;
  StreamContext context_;
  LlmRequest request_;
  LlmEvents events_;
  AttemptPlan plan_;
  std::unique_ptr<LlmStream> inner_;
  std::uint64_t generation_ = 0;  // counts attempts; events of an older one are dropped
  bool started_ = false;          // text or a tool call reached the caller
  bool ended_ = false;
  bool request_reported_ = false;
};

class FallbackLlmStream final : public LlmStream {
 public:
  explicit FallbackLlmStream(std::shared_ptr<LlmReply> reply) : reply_(std::move(reply)) {}
  ~FallbackLlmStream() override { cancel(); }
  FallbackLlmStream(const FallbackLlmStream&) = delete;
  FallbackLlmStream& operator=(const FallbackLlmStream&) = delete;

  void cancel() override { reply_->cancel(); }

 private:
  std::shared_ptr<LlmReply> reply_;
};

}  // namespace

FallbackLlm::FallbackLlm(std::vector<std::shared_ptr<LlmProvider>> providers,
                         FallbackSettings settings)
    : chain_(std::make_shared<ProviderChain<LlmProvider>>(std::move(providers),
                                                           std::move(settings))) {}

std::unique_ptr<LlmStream> FallbackLlm::stream(const StreamContext& context, LlmRequest request,
                                               LlmEvents events) {
  if (!context.executor) throw std::invalid_argument("fallback: the call has no executor");
  auto reply = std::make_shared<LlmReply>(chain_, context, std::move(request), std::move(events));
  if (!reply->start()) throw core::Error(core::Errc::upstream_error, reply->every_failure());
  return std::make_unique<FallbackLlmStream>(std::move(reply));
}

}  // namespace patter::providers
