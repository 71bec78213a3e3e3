#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

// Runs the sox command-line tool on byte buffers, so codec and WAV tests compare against a
// live independent implementation. Returns nullopt when sox was not found at configure time.
namespace patter::audio::test {

inline bool sox_available() {
  return std::string(PATTER_SOX_PROGRAM).size() > 0;
}

inline std::filesystem::path scratch_path(const std::string& name) {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() / ("patter_audio_" + std::to_string(::getpid()) +
                                                   "_" + std::to_string(counter++) + "_" + name);
}

inline void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `sox <input_args> IN <output_args> OUT`, with dithering off so results are deterministic.
inline std::optional<std::vector<std::uint8_t>> run_sox(const std::vector<std::uint8_t>& input,
                                                        const std::string& input_args,
                                                        const std::string& output_args) {
  if (!sox_available()) return std::nullopt;
  const auto in_path = scratch_path("in");
  const auto out_path = scratch_path("out");
  write_bytes(in_path, input);
  const std::string command = std::string(PATTER_SOX_PROGRAM) + " -D -V1 " + input_args + " " +
                              in_path.string() + " " + output_args + " " + out_path.string();
  const int status = std::system(command.c_str());
  std::vector<std::uint8_t> output;
  if (status == 0) output = read_bytes(out_path);
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  if (status != 0) return std::nullopt;
  return output;
}

}  // namespace patter::audio::test
