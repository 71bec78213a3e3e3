#include "server/patter_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <random>

#include "carriers/twilio/rest_client.hpp"
#include "carriers/twilio/twiml.hpp"
#include "core/error.hpp"
#include "core/phone_number.hpp"
#include "dashboard/api_auth.hpp"
#include "dashboard/api_routes.hpp"
#include "dashboard/call_store.hpp"
#include "dashboard/dashboard_events.hpp"
#include "dashboard/static_routes.hpp"
#include "net/asio_executor.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/loopback.hpp"
#include "server/health_routes.hpp"
#include "server/metrics_routes.hpp"
#include "server/store_observer.hpp"
#include "server/twilio_routes.hpp"
#include "session/remote/remote_brain_client.hpp"
#include "session/realtime_session.hpp"
#include "session/remote/webhook_tool_client.hpp"
#include "session/worker_pool.hpp"
#include "turn/vad_factory.hpp"

namespace patter::server {

namespace twilio = carriers::twilio;

namespace {

constexpr std::string_view kOutboundParameter = "patter_outbound";

std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < digits; ++i) out.push_back(kHex[generator() % 16]);
  return out;
}

dashboard::UnixMs unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "realtime" when a speech-to-speech engine answers, else "pipeline".
std::string provider_mode(const Agent& agent) { return agent.engine ? "realtime" : "pipeline"; }

std::string describe_agent(const Agent& agent) {
  boost::json::object out{{"provider", provider_mode(agent)}, {"language", agent.language}, {"voice", agent.voice}};
  if (agent.engine) {
    out["engine"] = agent.engine->name();
    if (const auto model = agent.engine->model(); !model.empty()) out["model"] = model;
  }
  if (agent.stt) out["stt"] = agent.stt->name();
  if (agent.tts) out["tts"] = agent.tts->name();
  if (agent.llm) out["llm"] = agent.llm->model();
  return boost::json::serialize(out);
}

}  // namespace

struct PatterServer::State : std::enable_shared_from_this<PatterServer::State> {
  PatterServerConfig config;
  Agent agent;
  CallCallbacks callbacks;
  std::shared_ptr<session::CallEventBus> process_events;

  net::IoPool pool;
  net::Router router;
  std::unique_ptr<net::HttpServer> http;
  dashboard::DashboardEvents dashboard_events;
  std::optional<dashboard::CallStore> store;
  std::shared_ptr<session::WorkerPool> workers;
  std::shared_ptr<const turn::SileroModel> vad_model;
  std::shared_ptr<StreamTickets> tickets = std::make_shared<StreamTickets>();
  std::unique_ptr<net::HttpClient> rest_http;
  std::unique_ptr<twilio::TwilioRestClient> rest;

  std::mutex mutex;  // guards the two maps below
  std::map<std::string, OutboundCallRequest> outbound;  // by stream ticket
  std::map<std::string, std::string> voicemail;         // by call SID
  bool started = false;
  bool stopped = false;

  State(PatterServerConfig c, Agent a, CallCallbacks cb, std::shared_ptr<session::CallEventBus> events)
      : config(std::move(c)),
        agent(std::move(a)),
        callbacks(std::move(cb)),
        process_events(std::move(events)),
        pool(config.threads) {}

  boost::asio::any_io_executor rest_executor() { return pool.executor(0); }

  // Runs a REST operation on the REST client's loop; failures are logged.
  void spawn_rest(std::function<boost::asio::awaitable<void>(twilio::TwilioRestClient&)> operation,
                  std::string what) {
    if (!rest) {
      spdlog::error("{}: no Twilio credentials configured", what);
      return;
    }
    boost::asio::co_spawn(rest_executor(), run_rest(shared_from_this(), std::move(operation), std::move(what)),
                          boost::asio::detached);
  }

  static boost::asio::awaitable<void> run_rest(
      std::shared_ptr<State> self,
      std::function<boost::asio::awaitable<void>(twilio::TwilioRestClient&)> operation, std::string what) {
    try {
      co_await operation(*self->rest);
    } catch (const std::exception& error) {
      spdlog::error("{} failed: {}", what, error.what());
    }
  }

  // Holds the server only while asking, not while waiting, so a stop is never held up by it.
  static boost::asio::awaitable<void> look_up_price(std::weak_ptr<State> weak, std::string call_sid) {
    std::vector<std::chrono::milliseconds> delays;
    if (auto self = weak.lock()) delays = self->config.twilio->price_lookup_delays;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (const auto delay : delays) {
      timer.expires_after(delay);
      const auto [waited] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      auto self = weak.lock();
      if (waited || !self) co_return;
      try {
        if (const auto price = co_await self->rest->fetch_call_price(call_sid)) {
          spdlog::info("call {}: Twilio billed ${:.4f}", call_sid, *price);
          self->store->record_telephony_price(call_sid, *price);
          co_return;
        }
      } catch (const std::exception& error) {
        spdlog::warn("call {}: price lookup failed: {}", call_sid, error.what());
      }
    }
  }

  std::shared_ptr<session::LineCall> create_call(const twilio::Start& start,
                                                 std::shared_ptr<session::CarrierLink> line,
                                                 std::shared_ptr<Executor> executor, core::Clock& clock) {
    Agent call_agent = agent;
    auto parameters = start.custom_parameters;
    std::optional<OutboundCallRequest> placed;
    if (auto found = parameters.find(std::string(kOutboundParameter)); found != parameters.end()) {
      const std::lock_guard lock(mutex);
      if (auto request = outbound.find(found->second); request != outbound.end()) {
        placed = std::move(request->second);
        outbound.erase(request);
      }
      parameters.erase(found);
    }
    if (placed) {
      if (placed->agent) call_agent = *placed->agent;
      if (!placed->first_message.empty()) call_agent.first_message = placed->first_message;
      for (const auto& [key, value] : placed->variables) call_agent.variables[key] = value;
    }
    const auto* asio_executor = dynamic_cast<const net::AsioExecutor*>(executor.get());
    session::SessionServices services;
    services.clock = &clock;
    services.executor = executor;
    services.user_lane = workers->make_lane();
    services.vad_model = vad_model;
    if (asio_executor) {
      services.tool_webhooks = std::make_shared<session::HttpToolWebhookClient>(asio_executor->executor());
      services.remote_brain = std::make_shared<session::HttpWsRemoteBrainClient>(asio_executor->executor());
    }
    services.process_events = process_events;
    if (store) {
      services.observer =
          std::make_shared<StoreCallObserver>(*store, provider_mode(call_agent), describe_agent(call_agent));
    }
    services.pricing = config.pricing;
    session::CallSetup setup;
    setup.parties = CallParties{start.call_sid, parameters["caller"], parameters["callee"]};
    setup.direction = placed ? "outbound" : "inbound";
    setup.custom_params = parameters;
    setup.telephony_provider = "twilio";
    std::shared_ptr<session::LineCall> call;
    if (call_agent.engine) {
      call = session::RealtimeSession::create(std::move(call_agent), callbacks, std::move(services),
                                              std::move(setup), std::move(line));
    } else {
      call = session::CallSession::create(std::move(call_agent), callbacks, std::move(services),
                                          std::move(setup), std::move(line));
    }
    if (config.recording) {
      spawn_rest([sid = start.call_sid](twilio::TwilioRestClient& client) -> boost::asio::awaitable<void> {
        co_await client.start_recording(sid);
      }, "recording call " + start.call_sid);
    }
    return call;
  }

  void on_status(const TwilioStatus& status) {
    if (!store) return;
    if (status.status == "completed" && rest && !config.twilio->price_lookup_delays.empty()) {
      boost::asio::co_spawn(rest_executor(), look_up_price(weak_from_this(), status.call_sid), boost::asio::detached);
    }
    dashboard::StatusUpdate update;
    update.call_id = status.call_sid;
    update.status = status.status;
    update.at = unix_ms_now();
    update.caller = status.from;
    update.callee = status.to;
    update.duration_seconds = status.duration_seconds;
    store->update_call_status(std::move(update));
  }

  void on_machine_end(const std::string& call_sid) {
    std::string message = config.voicemail_message;
    {
      const std::lock_guard lock(mutex);
      if (auto found = voicemail.find(call_sid); found != voicemail.end()) {
        if (!found->second.empty()) message = found->second;
        voicemail.erase(found);
      }
    }
    if (message.empty()) {
      spdlog::info("call {}: answering machine, and no voicemail message to leave", call_sid);
      return;
    }
    spawn_rest([call_sid, message](twilio::TwilioRestClient& client) -> boost::asio::awaitable<void> {
      co_await client.update_call_twiml(call_sid, twilio::say_hangup_twiml(message));
    }, "voicemail drop on " + call_sid);
  }
};

PatterServer::PatterServer(PatterServerConfig config, Agent agent, CallCallbacks callbacks,
                           std::shared_ptr<session::CallEventBus> process_events)
    : state_(std::make_shared<State>(std::move(config), std::move(agent), std::move(callbacks),
                                     std::move(process_events))) {}

PatterServer::~PatterServer() { stop(); }

void PatterServer::start() {
  auto& s = *state_;
  if (s.started) return;
  const auto& config = s.config;
  server::add_health_routes(s.router);
  server::add_metrics_routes(s.router, config.dashboard_token);
  if (config.dashboard) {
    dashboard::validate_dashboard_exposure(config.host, config.dashboard_token);
    std::filesystem::create_directories(config.database.parent_path());
    dashboard::CallStoreOptions store_options;
    store_options.database_path = config.database;
    store_options.call_log = config.call_log;
    s.store.emplace(std::move(store_options), s.dashboard_events.store_hook());
    dashboard::DashboardApiOptions api;
    api.token = config.dashboard_token;
    dashboard::add_dashboard_routes(s.router, *s.store, s.dashboard_events, std::move(api));
  } else if (!config.dashboard_token.empty()) {
    spdlog::warn("a dashboard token is set but the dashboard is off");
  }
  if (config.dashboard && config.dashboard_token.empty()) {
    spdlog::warn("the dashboard API has no token: anyone who can reach {} can read call records", config.host);
  }
  if (!s.agent.vad.enabled) spdlog::warn("VAD is off: barge-in relies on transcripts alone");
  auto load = turn::load_silero_model(config.vad_model);
  if (!load.warning.empty()) spdlog::warn("{}", load.warning);
  s.vad_model = load.model;
  s.workers = session::WorkerPool::create(std::max<std::size_t>(2, s.pool.size()));

  if (config.twilio) {
    const auto& twilio_settings = *config.twilio;
    if (twilio_settings.auth_token.empty()) {
      spdlog::warn("TWILIO_AUTH_TOKEN is not set: Twilio webhooks will be rejected (503)");
    } else if (!twilio_settings.use_rest_api) {
      spdlog::info("the Twilio REST API is off: no outbound calls, transfers or recordings");
    } else {
      s.rest_http = std::make_unique<net::HttpClient>(s.rest_executor());
      twilio::TwilioRestOptions rest_options;
      rest_options.account_sid = twilio_settings.account_sid;
      rest_options.auth_token = twilio_settings.auth_token;
      rest_options.base_url = twilio_settings.api_base_url;
      s.rest = std::make_unique<twilio::TwilioRestClient>(*s.rest_http, std::move(rest_options));
    }
    TwilioWebhookConfig webhook_config;
    webhook_config.public_host = twilio_settings.public_host;
    webhook_config.auth_token = twilio_settings.auth_token;
    webhook_config.require_signature = twilio_settings.require_signature;
    webhook_config.media.start_timeout = twilio_settings.stream_start_timeout;
    std::weak_ptr<State> weak = state_;
    TwilioRouteHandlers handlers;
    handlers.create_call = [weak](const twilio::Start& start, std::shared_ptr<session::CarrierLink> line,
                                  std::shared_ptr<Executor> executor,
                                  core::Clock& clock) -> std::shared_ptr<session::LineCall> {
      auto self = weak.lock();
      return self ? self->create_call(start, std::move(line), std::move(executor), clock) : nullptr;
    };
    if (s.rest) {
      handlers.actions.hang_up = [weak](const std::string& sid) {
        if (auto self = weak.lock()) {
          self->spawn_rest([sid](twilio::TwilioRestClient& client) -> boost::asio::awaitable<void> {
            co_await client.hang_up(sid);
          }, "hang-up of " + sid);
        }
      };
      handlers.actions.transfer = [weak](const std::string& sid, const std::string& target) {
        if (auto self = weak.lock()) {
          self->spawn_rest([sid, target](twilio::TwilioRestClient& client) -> boost::asio::awaitable<void> {
            co_await client.update_call_twiml(sid, twilio::dial_twiml(target));
          }, "transfer of " + sid);
        }
      };
    }
    handlers.on_status = [weak](const TwilioStatus& status) {
      if (auto self = weak.lock()) self->on_status(status);
    };
    handlers.on_machine_end = [weak](const std::string& sid) {
      if (auto self = weak.lock()) self->on_machine_end(sid);
    };
    add_twilio_routes(s.router, std::move(webhook_config), std::move(handlers), s.tickets);
  }
  // Last: the SPA's routes take every GET path no other route took.
  if (config.dashboard) dashboard::add_dashboard_web(s.router, config.dashboard_web_root);

  net::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.max_websockets_per_ip = 0;
  s.http = std::make_unique<net::HttpServer>(s.pool, s.router, options);
  s.http->start();
  s.pool.start();
  s.started = true;
  if (!net::is_loopback_host(config.host)) {
    spdlog::warn("listening on {}: the server is reachable beyond this machine", config.host);
  }
  if (config.twilio && config.twilio->configure_number && s.rest && !config.twilio->phone_number.empty()) {
    const std::string url = "https://" + config.twilio->public_host + "/webhooks/twilio/voice";
    s.spawn_rest([number = config.twilio->phone_number, url](twilio::TwilioRestClient& client)
                     -> boost::asio::awaitable<void> { co_await client.configure_number_voice_url(number, url); },
                 "pointing " + core::mask_phone(config.twilio->phone_number) + " at " + url);
  }
}

std::uint16_t PatterServer::port() const { return state_->http ? state_->http->port() : 0; }

void PatterServer::stop() {
  auto& s = *state_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.dashboard_events.close();
  s.http->stop(s.config.drain_timeout);
  if (s.workers) s.workers->shutdown();
  s.pool.stop();
  s.pool.join();
}

std::string PatterServer::place_call(OutboundCallRequest request) {
  auto& s = *state_;
  if (!s.started) throw core::Error(core::Errc::unavailable, "call() needs a running server: serve() first");
  if (!s.config.twilio || !s.rest) {
    throw core::Error(core::Errc::missing_credential, "outbound calls need Twilio credentials");
  }
  if (!core::is_e164(request.to)) {
    throw core::Error(core::Errc::bad_request, "the number to call must be E.164 (+ and 7 to 15 digits)");
  }
  const auto& settings = *s.config.twilio;
  const std::string ticket = "out" + random_hex(32);
  twilio::CreateCallRequest create;
  create.to = request.to;
  create.from = settings.phone_number;
  create.twiml = twilio::connect_stream_twiml(
      "wss://" + settings.public_host + "/ws/stream/" + ticket,
      {{"caller", settings.phone_number}, {"callee", request.to}, {std::string(kOutboundParameter), ticket}});
  create.timeout_seconds =
      request.ring_timeout ? std::optional<int>(static_cast<int>(request.ring_timeout->count())) : std::nullopt;
  create.status_callback_url = "https://" + settings.public_host + "/webhooks/twilio/status";
  create.machine_detection = request.machine_detection;
  if (request.machine_detection) create.amd_callback_url = "https://" + settings.public_host + "/webhooks/twilio/amd";
  const std::string voicemail = request.voicemail_message;
  const std::string agent_json = describe_agent(request.agent ? *request.agent : s.agent);
  const std::string mode = provider_mode(request.agent ? *request.agent : s.agent);
  {
    const std::lock_guard lock(s.mutex);
    s.outbound[ticket] = std::move(request);
  }
  s.tickets->issue(ticket);

  std::promise<std::string> result;
  auto future = result.get_future();
  s.spawn_rest([&result, create](twilio::TwilioRestClient& client) -> boost::asio::awaitable<void> {
    try {
      result.set_value(co_await client.create_call(create));
    } catch (...) {
      result.set_exception(std::current_exception());
    }
  }, "outbound call");
  std::string sid;
  try {
    sid = future.get();
  } catch (...) {
    const std::lock_guard lock(s.mutex);
    s.outbound.erase(ticket);
    throw;
  }
  {
    const std::lock_guard lock(s.mutex);
    s.voicemail[sid] = voicemail;
  }
  if (s.store) {
    dashboard::CallInfo info;
    info.call_id = sid;
    info.caller = settings.phone_number;
    info.callee = create.to;
    info.direction = "outbound";
    info.telephony_provider = "twilio";
    info.provider_mode = mode;
    info.agent_json = agent_json;
    info.at = unix_ms_now();
    s.store->record_call_initiated(std::move(info));
  }
  return sid;
}

}  // namespace patter::server
