// The public Patter API over the server runtime.

#include <patter/patter.hpp>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <unistd.h>

#include "core/error.hpp"
#include "dashboard/call_log.hpp"
#include "core/log.hpp"
#include "core/phone_number.hpp"
#include "server/patter_server.hpp"
#include "server/text_conversation.hpp"
#include "session/worker_pool.hpp"

namespace patter {

namespace {

std::string from_env(const std::string& value, const char* variable) {
  if (!value.empty()) return value;
  const char* found = std::getenv(variable);
  if (found == nullptr || *found == '\0') {
    throw std::invalid_argument(std::string("missing Twilio credential: pass it or set ") + variable);
  }
  return found;
}

// "https://agent.example.com/" → "agent.example.com".
std::string normalize_host(std::string url) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme)) url.erase(0, scheme.size());
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  static const std::regex host(R"(^[a-zA-Z0-9][a-zA-Z0-9.\-]+[a-zA-Z0-9](:[0-9]{1,5})?$)");
  if (!std::regex_match(url, host)) {
    throw std::invalid_argument("webhook_url must be the public host name Twilio reaches, e.g. agent.example.com");
  }
  return url;
}

std::filesystem::path default_database() {
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0') {
    return std::filesystem::path(data) / "patter" / "calls.db";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share" / "patter" / "calls.db";
}

}  // namespace

struct Patter::Impl {
  server::TwilioSettings twilio;
  std::shared_ptr<session::WorkerPool> event_workers = session::WorkerPool::create(1);
  std::shared_ptr<session::CallEventBus> events =
      std::make_shared<session::CallEventBus>(event_workers->make_lane());
  std::unique_ptr<server::PatterServer> server;
  std::mutex mutex;
  std::condition_variable stopped;
  bool running = false;
};

Patter::Patter(Twilio carrier, std::string phone_number, std::string webhook_url)
    : impl_(std::make_unique<Impl>()) {
  if (!core::is_e164(phone_number)) {
    throw std::invalid_argument("phone_number must be E.164, e.g. +15550001234");
  }
  impl_->twilio.account_sid = from_env(carrier.account_sid, "TWILIO_ACCOUNT_SID");
  impl_->twilio.auth_token = from_env(carrier.auth_token, "TWILIO_AUTH_TOKEN");
  core::register_secret(impl_->twilio.auth_token);
  impl_->twilio.api_base_url = carrier.api_base_url;
  impl_->twilio.phone_number = std::move(phone_number);
  impl_->twilio.public_host = normalize_host(std::move(webhook_url));
}

Patter::~Patter() { disconnect(); }

void Patter::serve(Agent agent, ServeOptions options) {
  if (impl_->server) throw std::logic_error("serve() was already called");
  if (agent.system_prompt.empty() && !options.callbacks.on_message) {
    throw std::invalid_argument("the agent needs a system_prompt");
  }
  server::PatterServerConfig config;
  config.host = options.host;
  config.port = options.port;
  config.threads = options.threads;
  config.dashboard = options.dashboard;
  config.dashboard_token = options.dashboard_token;
  config.database = options.dashboard_database.empty() ? default_database()
                                                       : std::filesystem::path(options.dashboard_database);
  config.voicemail_message = options.voicemail_message;
  config.recording = options.recording;
  config.call_log = dashboard::call_log_options_from_env(core::process_env());
  config.twilio = impl_->twilio;
  config.twilio->require_signature = options.require_signature;
  impl_->server = std::make_unique<server::PatterServer>(std::move(config), std::move(agent),
                                                         std::move(options.callbacks), impl_->events);
  try {
    impl_->server->start();
  } catch (const core::Error& error) {
    impl_->server.reset();
    throw std::runtime_error(error.what());
  }
  const std::lock_guard lock(impl_->mutex);
  impl_->running = true;
}

std::uint16_t Patter::port() const { return impl_->server ? impl_->server->port() : 0; }

void Patter::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped.wait(lock, [this] { return !impl_->running; });
}

void Patter::disconnect() {
  if (impl_->server) impl_->server->stop();
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->running = false;
  }
  impl_->stopped.notify_all();
}

std::string Patter::call(OutboundCall call) {
  if (!impl_->server) throw std::logic_error("call() needs serve() first");
  server::OutboundCallRequest request;
  request.to = std::move(call.to);
  request.agent = std::move(call.agent);
  request.first_message = std::move(call.first_message);
  request.variables = std::move(call.variables);
  request.machine_detection = call.machine_detection;
  request.voicemail_message = std::move(call.voicemail_message);
  request.ring_timeout = call.ring_timeout;
  try {
    return impl_->server->place_call(std::move(request));
  } catch (const core::Error& error) {
    throw std::runtime_error(error.what());
  }
}

int Patter::test(Agent agent, CallCallbacks callbacks) {
  return server::run_text_conversation(std::move(agent), std::move(callbacks), std::cin, std::cout,
                                      isatty(STDIN_FILENO) == 0);
}

EventBus& Patter::events() { return *impl_->events; }

}  // namespace patter
