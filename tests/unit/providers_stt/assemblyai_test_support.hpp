#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "deepgram_test_support.hpp"
#include "fakes/fake_assemblyai.hpp"
#include "providers/stt/assemblyai_stt.hpp"

namespace patter::providers::testing {

// The call's loop, manual clock and push helpers of DeepgramTest, pointed at the fake
// AssemblyAI.
class AssemblyAiTest : public DeepgramTest {
 protected:
  [[nodiscard]] static AssemblyAiConfig config_for(const fakes::FakeAssemblyAi& fake) {
    AssemblyAiConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.url();
    config.extra_ca_pem = fake.certificate_pem();
    config.reconnect_backoff = std::chrono::milliseconds(100);
    return config;
  }

  [[nodiscard]] std::unique_ptr<AssemblyAiStt> provider(AssemblyAiConfig config) const {
    return std::make_unique<AssemblyAiStt>(
        std::move(config), [clock = clock_](const boost::asio::any_io_executor&) { return clock; });
  }

  // What the fake saw on its index-th session; an empty record before that session arrived.
  [[nodiscard]] static fakes::FakeAssemblyAiStream seen(const fakes::FakeAssemblyAi& fake,
                                                        std::size_t index = 0) {
    const auto streams = fake.streams();
    return index < streams.size() ? streams[index] : fakes::FakeAssemblyAiStream{};
  }

  // Waits until the stream's socket is open: its KeepAlive timer is armed.
  bool connected() {
    return run_until([&] { return clock_->pending() > 0; });
  }
};

}  // namespace patter::providers::testing
