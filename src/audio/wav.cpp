#include "audio/wav.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "audio/codec.hpp"

namespace patter::audio {

namespace {

constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatAlaw = 0x0006;
constexpr std::uint16_t kFormatMulaw = 0x0007;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr std::uint32_t kSizeUnknown = 0xFFFFFFFF;
constexpr int kMaxSampleRate = 384000;
// Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID; bytes 0..1 hold the format tag.
constexpr std::array<std::uint8_t, 14> kSubformatGuidTail = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>(bytes[at] | (bytes[at + 1] << 8));
}

std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(read_u16(bytes, at)) |
         (static_cast<std::uint32_t>(read_u16(bytes, at + 2)) << 16);
}

std::string_view fourcc(std::span<const std::uint8_t> bytes, std::size_t at) {
  return {reinterpret_cast<const char*>(bytes.data() + at), 4};
}

[[noreturn]] void fail(const std::string& message) {
  throw WavError("WAV: " + message);
}

struct Format {
  Encoding encoding;
  int sample_rate;
  int channels;
  std::size_t block_align;
};

std::uint16_t format_tag_of(std::span<const std::uint8_t> fmt) {
  const std::uint16_t tag = read_u16(fmt, 0);
  if (tag != kFormatExtensible) return tag;
  if (fmt.size() < 40) {
    fail("WAVE_FORMAT_EXTENSIBLE fmt chunk is " + std::to_string(fmt.size()) +
         " bytes, at least 40 needed");
  }
  const auto guid = fmt.subspan(24, 16);
  if (!std::equal(kSubformatGuidTail.begin(), kSubformatGuidTail.end(), guid.begin() + 2)) {
    fail("WAVE_FORMAT_EXTENSIBLE sub-format GUID is not a standard audio sub-format");
  }
  return read_u16(guid, 0);
}

Format parse_fmt(std::span<const std::uint8_t> fmt) {
  if (fmt.size() < 16)
    fail("fmt chunk is " + std::to_string(fmt.size()) + " bytes, at least 16 needed");
  const std::uint16_t tag = format_tag_of(fmt);
  const int channels = read_u16(fmt, 2);
  const std::uint32_t sample_rate = read_u32(fmt, 4);
  const std::uint32_t byte_rate = read_u32(fmt, 8);
  const std::uint16_t block_align = read_u16(fmt, 12);
  const std::uint16_t bits = read_u16(fmt, 14);

  Encoding encoding{};
  if (tag == kFormatPcm && bits == 16) {
    encoding = Encoding::pcm16_le;
  } else if (tag == kFormatPcm) {
    fail("unsupported PCM bit depth " + std::to_string(bits) + " (only 16-bit PCM)");
  } else if ((tag == kFormatMulaw || tag == kFormatAlaw) && bits == 8) {
    encoding = tag == kFormatMulaw ? Encoding::mulaw : Encoding::alaw;
  } else if (tag == kFormatMulaw || tag == kFormatAlaw) {
    fail("G.711 data must have 8 bits per sample, fmt says " + std::to_string(bits));
  } else {
    fail("unsupported format tag " + std::to_string(tag) + " (PCM16, mu-law and A-law only)");
  }
  if (channels != 1 && channels != 2) {
    fail("unsupported channel count " + std::to_string(channels) + " (mono or stereo only)");
  }
  if (sample_rate == 0 || sample_rate > kMaxSampleRate) {
    fail("sample rate " + std::to_string(sample_rate) + " Hz is out of range");
  }
  const std::size_t expected_align =
      bytes_per_sample(encoding) * static_cast<std::size_t>(channels);
  if (block_align != expected_align) {
    fail("block align " + std::to_string(block_align) + " does not match " +
         std::to_string(channels) + " channel(s) of " + std::to_string(bits) + "-bit samples");
  }
  if (byte_rate != sample_rate * expected_align) {
    fail("byte rate " + std::to_string(byte_rate) + " does not match sample rate x block align (" +
         std::to_string(sample_rate * expected_align) + ")");
  }
  return Format{encoding, static_cast<int>(sample_rate), channels, expected_align};
}

void append_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  append_u16(out, static_cast<std::uint16_t>(value & 0xFFFF));
  append_u16(out, static_cast<std::uint16_t>(value >> 16));
}

void append_fourcc(std::vector<std::uint8_t>& out, std::string_view id) {
  out.insert(out.end(), id.begin(), id.end());
}

}  // namespace

std::vector<std::int16_t> WavAudio::samples() const {
  std::vector<std::int16_t> out(data.size() / bytes_per_sample(encoding));
  decode_samples(encoding, std::span(data).first(out.size() * bytes_per_sample(encoding)), out);
  return out;
}

WavAudio WavAudio::from_samples(std::span<const std::int16_t> samples, int sample_rate,
                                int channels, Encoding encoding) {
  WavAudio audio{encoding, sample_rate, channels, {}};
  audio.data.resize(samples.size() * bytes_per_sample(encoding));
  encode_samples(encoding, samples, audio.data);
  return audio;
}

WavAudio parse_wav(std::span<const std::uint8_t> file) {
  if (file.size() < 12) {
    fail("file is " + std::to_string(file.size()) + " bytes, shorter than the 12-byte RIFF header");
  }
  if (fourcc(file, 0) == "RIFX" || fourcc(file, 0) == "RF64") {
    fail("unsupported container " + std::string(fourcc(file, 0)) + " (only little-endian RIFF)");
  }
  if (fourcc(file, 0) != "RIFF") fail("missing RIFF signature");
  if (fourcc(file, 8) != "WAVE") fail("RIFF form type is not WAVE");

  const std::uint32_t riff_size = read_u32(file, 4);
  std::size_t end = file.size();
  if (riff_size != kSizeUnknown && riff_size != 0) {
    if (riff_size < 4) fail("RIFF size " + std::to_string(riff_size) + " is too small");
    if (riff_size > file.size() - 8) {
      fail("RIFF size " + std::to_string(riff_size) + " exceeds the " +
           std::to_string(file.size() - 8) + " bytes present (truncated file?)");
    }
    end = riff_size + 8;
  }

  std::optional<Format> format;
  std::size_t position = 12;
  while (end - position >= 8) {
    const std::string_view id = fourcc(file, position);
    std::size_t size = read_u32(file, position + 4);
    const std::size_t body = position + 8;
    const std::size_t remaining = end - body;
    if (id == "data") {
      if (!format) fail("data chunk comes before the fmt chunk");
      if (size == kSizeUnknown) size = remaining - remaining % format->block_align;
      if (size > remaining) {
        fail("data chunk declares " + std::to_string(size) + " bytes but only " +
             std::to_string(remaining) + " remain (truncated file?)");
      }
      if (size % format->block_align != 0) {
        fail("data size " + std::to_string(size) + " is not a multiple of the block align " +
             std::to_string(format->block_align));
      }
      const auto samples = file.subspan(body, size);
      return WavAudio{format->encoding,
                      format->sample_rate,
                      format->channels,
                      {samples.begin(), samples.end()}};
    }
    if (size > remaining) {
      fail("'" + std::string(id) + "' chunk declares " + std::to_string(size) + " bytes but only " +
           std::to_string(remaining) + " remain");
    }
    if (id == "fmt ") {
      if (format) fail("more than one fmt chunk");
      format = parse_fmt(file.subspan(body, size));
    }
    position = body + size + (size % 2);
    if (position > end) break;
  }
  fail(format ? "no data chunk" : "no fmt chunk");
}

std::vector<std::uint8_t> serialize_wav(const WavAudio& audio) {
  if (audio.encoding == Encoding::pcm16_be) {
    throw std::invalid_argument("serialize_wav: WAV holds little-endian PCM; convert first");
  }
  if (audio.channels != 1 && audio.channels != 2) {
    throw std::invalid_argument("serialize_wav: channels must be 1 or 2");
  }
  if (audio.sample_rate <= 0 || audio.sample_rate > kMaxSampleRate) {
    throw std::invalid_argument("serialize_wav: sample rate out of range");
  }
  const auto block_align = static_cast<std::uint16_t>(bytes_per_sample(audio.encoding) *
                                                      static_cast<std::size_t>(audio.channels));
  if (audio.data.size() % block_align != 0) {
    throw std::invalid_argument("serialize_wav: data is not a whole number of sample frames");
  }
  const bool g711 = audio.encoding != Encoding::pcm16_le;
  const std::size_t fmt_size = g711 ? 18 : 16;  // non-PCM formats carry a cbSize field
  const std::size_t fact_size = g711 ? 12 : 0;
  const std::size_t padding = audio.data.size() % 2;
  const std::size_t riff_size = 4 + (8 + fmt_size) + fact_size + 8 + audio.data.size() + padding;
  if (riff_size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("serialize_wav: audio too long for a WAV file");
  }

  std::vector<std::uint8_t> out;
  out.reserve(riff_size + 8);
  append_fourcc(out, "RIFF");
  append_u32(out, static_cast<std::uint32_t>(riff_size));
  append_fourcc(out, "WAVE");
  append_fourcc(out, "fmt ");
  append_u32(out, static_cast<std::uint32_t>(fmt_size));
  const std::uint16_t tag = audio.encoding == Encoding::mulaw  ? kFormatMulaw
                            : audio.encoding == Encoding::alaw ? kFormatAlaw
                                                               : kFormatPcm;
  append_u16(out, tag);
  append_u16(out, static_cast<std::uint16_t>(audio.channels));
  append_u32(out, static_cast<std::uint32_t>(audio.sample_rate));
  append_u32(out, static_cast<std::uint32_t>(audio.sample_rate) * block_align);
  append_u16(out, block_align);
  append_u16(out, static_cast<std::uint16_t>(8 * bytes_per_sample(audio.encoding)));
  if (g711) {
    append_u16(out, 0);
    append_fourcc(out, "fact");
    append_u32(out, 4);
    append_u32(out, static_cast<std::uint32_t>(audio.frame_count()));
  }
  append_fourcc(out, "data");
  append_u32(out, static_cast<std::uint32_t>(audio.data.size()));
  out.insert(out.end(), audio.data.begin(), audio.data.end());
  if (padding != 0) out.push_back(0);
  return out;
}

WavAudio read_wav_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WavError("WAV: cannot open " + path.string());
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
  if (in.bad()) throw WavError("WAV: cannot read " + path.string());
  try {
    return parse_wav(bytes);
  } catch (const WavError& error) {
    throw WavError(std::string(error.what()) + " in " + path.string());
  }
}

void write_wav_file(const std::filesystem::path& path, const WavAudio& audio) {
  const auto bytes = serialize_wav(audio);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw WavError("WAV: cannot create " + path.string());
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw WavError("WAV: cannot write " + path.string());
}

}  // namespace patter::audio
