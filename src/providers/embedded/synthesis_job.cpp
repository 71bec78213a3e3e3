#include "providers/embedded/synthesis_job.hpp"

namespace patter::providers {

void SynthesisHandle::cancel() const {
  if (!job_) {
    return;
  }
  job_->cancelled.store(true);
  if (std::this_thread::get_id() != job_->worker_thread) {
    std::lock_guard wait_for_delivery_in_flight(job_->delivery);
  }
}

}  // namespace patter::providers
