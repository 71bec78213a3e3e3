#include "providers/stt/assemblyai_stream_offsets.hpp"

namespace patter::providers {

void AssemblyAiStreamOffsets::restart(std::uint64_t call_offset) {
  call_base_ = call_offset;
  stream_end_ = 0;
  forgotten_padding_ = 0;
  paddings_.clear();
}

void AssemblyAiStreamOffsets::add_padding(std::size_t bytes) {
  if (bytes == 0) return;
  paddings_.push_back({stream_end_, bytes});
  stream_end_ += bytes;
}

std::uint64_t AssemblyAiStreamOffsets::call_offset(std::uint64_t stream_offset) const {
  std::uint64_t padding = forgotten_padding_;
  for (const auto& inserted : paddings_) {
    if (stream_offset <= inserted.at) break;
    if (stream_offset < inserted.at + inserted.length) {
      return call_base_ + inserted.at - padding;
    }
    padding += inserted.length;
  }
  return call_base_ + stream_offset - padding;
}

void AssemblyAiStreamOffsets::forget_before(std::uint64_t stream_offset) {
  while (!paddings_.empty() && paddings_.front().at + paddings_.front().length <= stream_offset) {
    forgotten_padding_ += paddings_.front().length;
    paddings_.pop_front();
  }
}

}  // namespace patter::providers
