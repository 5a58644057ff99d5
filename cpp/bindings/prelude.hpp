// Shared pybind11 prelude for the binding files: includes and small helpers
// for running C++ work without the GIL while staying responsive to Ctrl-C.
#pragma once

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <thread>

#include "summitcast/optim/fit_report.hpp"

namespace py = pybind11;

namespace summitcast::bindings {

// Run `work` on a worker thread with the GIL released.  Every ~50 ms the
// calling thread takes the GIL back to poll for KeyboardInterrupt (setting
// *stop so the worker can finish cleanly) and to report progress.
template <class Work>
auto run_interruptible(Work&& work, std::atomic<bool>& stop, std::atomic<long long>* progress,
                       const py::object& on_progress) {
  using Result = decltype(work());
  std::packaged_task<Result()> task(std::forward<Work>(work));
  auto future = task.get_future();
  std::thread worker(std::move(task));
  bool interrupted = false;
  long long reported = 0;
  for (;;) {
    std::future_status status;
    {
      py::gil_scoped_release release;  // the worker touches no Python object
      status = future.wait_for(std::chrono::milliseconds(50));
    }
    if (progress && !on_progress.is_none()) {
      const long long done = progress->load();
      if (done != reported) {
        on_progress(done - reported);
        reported = done;
      }
    }
    if (status == std::future_status::ready) break;
    if (!interrupted && PyErr_CheckSignals() != 0) {
      interrupted = true;
      stop = true;
    }
  }
  worker.join();
  if (interrupted) throw py::error_already_set();
  return future.get();
}

// The one Python form of an optimiser's answer: a dict with the keys
// params, value, gradient, hessian, gradient_norm, iterations, evaluations,
// converged and message; the caller adds what its layer reports beyond that.
inline py::dict fit_report_dict(const optim::FitReport& r) {
  py::dict d;
  d["params"] = r.params;
  d["value"] = r.value;
  d["gradient"] = r.gradient;
  d["hessian"] = r.hessian;
  d["gradient_norm"] = r.gradient_norm;
  d["iterations"] = r.iterations;
  d["evaluations"] = r.evaluations;
  d["converged"] = r.converged;
  d["message"] = r.message;
  return d;
}

}  // namespace summitcast::bindings
