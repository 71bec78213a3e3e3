// A phone agent in a few lines of C++: offline speech (pocketsphinx + espeak-ng), your own C++
// function as the brain, and a transcript printed as the call goes.
//
//   TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... ./patter_example_hello +15550001234 agent.example.com
//
// The second argument is the public host Twilio reaches this machine at (a tunnel or proxy
// forwarding to 127.0.0.1:8000).

#include <patter/embedded.hpp>
#include <patter/patter.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <your Twilio number, E.164> <public host>\n";
    return 64;
  }
  try {
    patter::Patter phone(patter::Twilio{}, argv[1], argv[2]);

    patter::Agent agent;
    agent.system_prompt = "You are the front desk of the Harbour Hotel.";
    agent.first_message = "Harbour Hotel, good evening. How can I help?";
    agent.stt = patter::embedded::pocketsphinx_stt({{"do you have a room tonight", "what time is breakfast",
                                                     "goodbye"}, {}});
    agent.tts = patter::embedded::espeak_tts();
    agent.barge_in.strategies = {std::make_shared<patter::MinWordsStrategy>(2)};

    patter::ServeOptions options;
    options.callbacks.on_message.reply = [](const patter::MessageContext& turn) -> std::string {
      if (turn.text.find("room") != std::string::npos) return "Yes, we have three rooms free tonight.";
      if (turn.text.find("breakfast") != std::string::npos) return "Breakfast is from seven to ten.";
      if (turn.text.find("goodbye") != std::string::npos) return "Thank you for calling. Goodbye!";
      return "Sorry, could you say that again?";
    };
    options.callbacks.on_transcript = [](const patter::TranscriptEvent& line) {
      std::cout << line.role << ": " << line.text << std::endl;
    };

    phone.serve(agent, options);
    std::cout << "listening on 127.0.0.1:" << phone.port() << std::endl;
    phone.wait();
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
