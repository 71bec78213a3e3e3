#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <patter/providers.hpp>

#include "core/error.hpp"

namespace patter::providers::testing {

// Small providers for the chain's edge cases. Each counts what it was asked and keeps the
// events of its latest stream, so a test can play the provider's side from the test thread
// (the chain must take them from any thread).

class ScriptedLlm final : public LlmProvider {
 public:
  explicit ScriptedLlm(std::string name) : name_(std::move(name)) {}
  [[nodiscard]] std::string name() const override { return name_; }
  [[nodiscard]] std::string model() const override { return name_ + "-model"; }
  std::unique_ptr<LlmStream> stream(const StreamContext& /*context*/, LlmRequest /*request*/,
                                    LlmEvents events) override {
    ++streams;
    if (throws) throw core::Error(core::Errc::unavailable, name_ + ": not now");
    this->events = std::move(events);
    return std::make_unique<Stream>(*this);
  }
  void warmup(const StreamContext& /*context*/) override { ++warmups; }

  bool throws = false;
  int streams = 0;
  int warmups = 0;
  int cancels = 0;
  LlmEvents events;

 private:
  struct Stream final : LlmStream {
    explicit Stream(ScriptedLlm& owner) : owner(owner) {}
    void cancel() override { ++owner.cancels; }
    ScriptedLlm& owner;
  };
  std::string name_;
};

class ScriptedStt final : public SttProvider {
 public:
  ScriptedStt(std::string name, AudioFormat format) : name_(std::move(name)), format_(format) {}
  [[nodiscard]] std::string name() const override { return name_; }
  [[nodiscard]] AudioFormat input_format() const override { return format_; }
  std::unique_ptr<SttStream> open(const StreamContext& /*context*/, SttEvents events) override {
    ++opens;
    if (throws) throw core::Error(core::Errc::unavailable, name_ + ": not now");
    this->events = std::move(events);
    audio.clear();
    return std::make_unique<Stream>(*this);
  }

  bool throws = false;
  int opens = 0;
  int finalizes = 0;
  int closes = 0;
  std::string audio;  // what the latest stream was pushed
  SttEvents events;

 private:
  struct Stream final : SttStream {
    explicit Stream(ScriptedStt& owner) : owner(owner) {}
    void push_audio(std::span<const std::uint8_t> bytes) override {
      owner.audio.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    void finalize() override { ++owner.finalizes; }
    void close() override { ++owner.closes; }
    ScriptedStt& owner;
  };
  std::string name_;
  AudioFormat format_;
};

}  // namespace patter::providers::testing
