#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace patter::providers {

// Maps byte offsets of one socket's stream to byte offsets of the call's audio. The stream is
// the call's audio from some offset on, with silence inserted wherever a short rest was padded
// up to the service's minimum chunk; the server's word times count that silence too.
class AssemblyAiStreamOffsets {
 public:
  // A new stream whose first byte is the call's audio at `call_offset`.
  void restart(std::uint64_t call_offset);
  void add_audio(std::size_t bytes) { stream_end_ += bytes; }
  void add_padding(std::size_t bytes);

  // The call offset of stream byte `stream_offset`; a byte of padding maps to where the padding
  // was inserted.
  [[nodiscard]] std::uint64_t call_offset(std::uint64_t stream_offset) const;
  // Offsets before `stream_offset` are not asked for again: their padding records go.
  void forget_before(std::uint64_t stream_offset);

 private:
  struct Padding {
    std::uint64_t at = 0;  // stream offset of the first padded byte
    std::uint64_t length = 0;
  };

  std::uint64_t call_base_ = 0;
  std::uint64_t stream_end_ = 0;
  std::uint64_t forgotten_padding_ = 0;  // length of the padding records already dropped
  std::deque<Padding> paddings_;
};

}  // namespace patter::providers
