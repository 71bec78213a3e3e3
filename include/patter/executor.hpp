#pragma once

#include <functional>

namespace patter {

// Where a call's work runs. Every call lives on one executor and its state is touched only
// there; anything that happens elsewhere (a provider's worker thread, user code) posts back.
class Executor {
 public:
  virtual ~Executor() = default;
  // Thread-safe. Tasks run in the order they were posted, never inside post() itself.
  virtual void post(std::function<void()> task) = 0;
};

}  // namespace patter
