// Bindings for the event layer (Hawkes processes).  Thin: arrays in, arrays
// and dicts out; the GIL is released around the C++ loops, which touch no
// Python object.
#include "prelude.hpp"
#include "summitcast/events/hawkes_fit.hpp"
#include "summitcast/events/hawkes_simulate.hpp"

namespace se = summitcast::events;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

se::HawkesShape make_shape(long D, long U) {
  if (D < 1) summitcast::fail_value("Hawkes", "the number of dimensions must be at least 1, got ", D);
  if (U < 1) summitcast::fail_value("Hawkes", "n_exp must be at least 1, got ", U);
  se::HawkesShape s;
  s.D = D;
  s.U = U;
  return s;
}

void check_params(const se::HawkesShape& s, const VectorXd& theta) {
  if (theta.size() != s.k_params())
    summitcast::fail_value("Hawkes", "params must have ", s.k_params(), " values, got ", theta.size());
  if (!se::hawkes_admissible(s, theta))
    summitcast::fail_value("Hawkes", "params must be finite with positive mu and beta and non-negative alpha");
}

// Event times as numpy arrays, read in place (no copy: at 10⁵ events a copy
// and its fresh pages cost as much as a Newton pass of the fit).
using TimesArg = std::vector<py::array_t<double, py::array::c_style | py::array::forcecast>>;
using TimesView = std::vector<Eigen::Map<const VectorXd>>;

TimesView view(const TimesArg& times) {
  TimesView out;
  out.reserve(times.size());
  for (const auto& t : times) {
    if (t.ndim() != 1) summitcast::fail_value("Hawkes", "each array of event times must be one-dimensional, got ", t.ndim(), " dimensions");
    out.emplace_back(t.data(), t.shape(0));
  }
  return out;
}

}  // namespace

void register_events(py::module_& root) {
  py::module_ m = root.def_submodule("events", "Multivariate Hawkes processes with exponential kernels");
  m.def(
      "hawkes_loglike",
      [](const TimesArg& times, double end_time, const VectorXd& params, long n_exp) {
        const se::HawkesData d = se::make_hawkes_data(view(times), end_time);
        const se::HawkesShape s = make_shape(d.D, n_exp);
        check_params(s, params);
        VectorXd grad;
        double ll;
        {
          py::gil_scoped_release release;
          ll = se::hawkes_loglike(d, s, params, &grad);
        }
        return py::make_tuple(ll, grad);
      },
      py::arg("times"), py::arg("end_time"), py::arg("params"), py::arg("n_exp") = 1);

  m.def(
      "hawkes_fit",
      [](const TimesArg& times, double end_time, long n_exp, std::optional<VectorXd> decays,
         std::optional<VectorXd> start, int max_iterations) {
        const TimesView events = view(times);
        if (events.empty()) summitcast::fail_value("Hawkes", "times must hold at least one dimension");
        const se::HawkesShape s = make_shape(static_cast<long>(events.size()), n_exp);
        summitcast::optim::BfgsOptions opt;
        opt.max_iterations = max_iterations;
        se::HawkesFit f;
        {
          py::gil_scoped_release release;
          f = se::fit_hawkes(events, end_time, s, decays ? *decays : VectorXd(), start ? *start : VectorXd(), opt);
        }
        Eigen::Index n_events = 0;
        for (const auto& t : events) n_events += t.size();
        py::dict out = summitcast::bindings::fit_report_dict(f);
        out["spectral_radius"] = f.spectral_radius;
        out["n_events"] = n_events;
        return out;
      },
      py::arg("times"), py::arg("end_time"), py::arg("n_exp") = 1, py::arg("decays") = py::none(),
      py::arg("start_params") = py::none(), py::arg("max_iterations") = 500);

  m.def(
      "hawkes_compensator",
      [](const TimesArg& times, double end_time, const VectorXd& params, long n_exp) {
        const se::HawkesData d = se::make_hawkes_data(view(times), end_time);
        const se::HawkesShape s = make_shape(d.D, n_exp);
        check_params(s, params);
        VectorXd comp;
        {
          py::gil_scoped_release release;
          comp = se::hawkes_compensator_at_events(d, s, params);
        }
        // Split back per dimension, in each dimension's time order.
        std::vector<VectorXd> per(d.D);
        std::vector<long> fill(d.D, 0);
        for (long j = 0; j < d.D; ++j) per[j].resize(d.counts[j]);
        for (long k = 0; k < d.size(); ++k) per[d.dim[k]][fill[d.dim[k]]++] = comp[k];
        return per;
      },
      py::arg("times"), py::arg("end_time"), py::arg("params"), py::arg("n_exp") = 1);

  m.def(
      "hawkes_intensity",
      [](const TimesArg& times, double end_time, const VectorXd& params, long n_exp, const VectorXd& at) {
        const se::HawkesData d = se::make_hawkes_data(view(times), end_time);
        const se::HawkesShape s = make_shape(d.D, n_exp);
        check_params(s, params);
        for (Eigen::Index q = 0; q < at.size(); ++q)
          if (!(at[q] >= 0.0) || !std::isfinite(at[q]))
            summitcast::fail_value("Hawkes.intensity", "at must hold finite times >= 0, got ", at[q]);
        py::gil_scoped_release release;
        return se::hawkes_intensity(d, s, params, at);
      },
      py::arg("times"), py::arg("end_time"), py::arg("params"), py::arg("n_exp"), py::arg("at"));

  m.def(
      "hawkes_simulate",
      [](const VectorXd& params, long dims, long n_exp, double end_time, std::uint64_t seed) {
        const se::HawkesShape s = make_shape(dims, n_exp);
        check_params(s, params);
        se::SimulatedEvents ev;
        {
          py::gil_scoped_release release;
          ev = se::simulate_hawkes(s, params, end_time, seed);
        }
        std::vector<std::vector<double>> per(dims);
        for (std::size_t k = 0; k < ev.time.size(); ++k) per[ev.dim[k]].push_back(ev.time[k]);
        return per;
      },
      py::arg("params"), py::arg("dims"), py::arg("n_exp"), py::arg("end_time"), py::arg("seed"));

  m.def(
      "hawkes_window",
      [](const TimesArg& times, double end_time, const VectorXd& params, long n_exp, double at,
         double window, long paths, std::uint64_t seed) {
        const se::HawkesData d = se::make_hawkes_data(view(times), end_time);
        const se::HawkesShape s = make_shape(d.D, n_exp);
        check_params(s, params);
        if (!(at >= 0.0) || !std::isfinite(at)) summitcast::fail_value("Hawkes.prob_event_within", "at must be >= 0, got ", at);
        double p_any;
        {
          py::gil_scoped_release release;
          p_any = se::hawkes_prob_any_event(d, s, params, at, window);
        }
        // Simulation of many paths: a worker thread, Ctrl-C polled.
        std::atomic<bool> stop{false};
        auto counts = summitcast::bindings::run_interruptible(
            [&] {
              return paths > 0 ? se::hawkes_window_counts(d, s, params, at, window, paths, seed, &stop)
                               : Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>(0, d.D);
            },
            stop, nullptr, py::none());
        return py::make_tuple(p_any, counts);
      },
      py::arg("times"), py::arg("end_time"), py::arg("params"), py::arg("n_exp"), py::arg("at"), py::arg("window"),
      py::arg("paths"), py::arg("seed"));
  m.def(
      "hawkes_binned",
      [](const TimesArg& times, double end_time, const VectorXd& params, long n_exp,
         const VectorXd& edges, long paths, std::uint64_t seed) {
        const se::HawkesData d = se::make_hawkes_data(view(times), end_time);
        const se::HawkesShape s = make_shape(d.D, n_exp);
        check_params(s, params);
        std::atomic<bool> stop{false};
        return summitcast::bindings::run_interruptible(
            [&] { return se::hawkes_binned_counts(d, s, params, edges, paths, seed, &stop); }, stop, nullptr,
            py::none());
      },
      py::arg("times"), py::arg("end_time"), py::arg("params"), py::arg("n_exp"), py::arg("edges"), py::arg("paths"),
      py::arg("seed"));
}
