#pragma once

#include <iosfwd>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>

namespace patter::server {

// `patter test`: a call in text with the agent. Each input line is a caller turn; the agent's
// sentences are printed as they come. Commands: /quit, /hangup, /transfer <number>, /history.
// The agent runs exactly as on a phone call (brain, tools, hooks, guardrails), with text in place
// of audio. `echo_input` repeats each input line (for piped input, which the terminal does not
// show). Returns when the call ends or the input does; the exit status for the CLI.
int run_text_conversation(Agent agent, CallCallbacks callbacks, std::istream& in, std::ostream& out,
                          bool echo_input = false);

}  // namespace patter::server
