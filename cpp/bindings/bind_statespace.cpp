// Bindings for the state-space layer: thin wrappers that convert arrays and
// release the GIL around the C++ loops (which touch no Python object).
#include "prelude.hpp"
#include "summitcast/statespace/aggregation.hpp"
#include "summitcast/statespace/gibbs.hpp"

namespace ss = summitcast::statespace;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

py::dict filter_dict(const ss::FilterOutput& f) {
  py::dict d;
  d["loglike"] = f.loglike;
  d["loglike_t"] = f.loglike_t;
  d["nobs"] = f.nobs;
  d["nobs_diffuse"] = f.nobs_diffuse;
  d["diffuse_periods"] = f.diffuse_periods;
  d["converged_at"] = f.converged_at;
  if (f.a_pred.size() > 0) {
    d["predicted_state"] = MatrixXd(f.a_pred.transpose());
    d["filtered_state"] = MatrixXd(f.a_filt.transpose());
    d["forecast_error"] = MatrixXd(f.v.transpose());
    d["forecast_error_var"] = MatrixXd(f.F_star.transpose());
    d["forecast_error_diffuse_var"] = MatrixXd(f.F_inf.transpose());
    d["predicted_state_cov"] = f.P_pred;  // m x m(n+1), column blocks
  }
  return d;
}

py::dict smoother_dict(const ss::SmootherOutput& s) {
  py::dict d;
  d["smoothed_state"] = MatrixXd(s.state.transpose());
  if (s.state_cov.size() > 0) d["smoothed_state_cov"] = s.state_cov;  // m x m n
  if (s.obs_disturbance.size() > 0) {
    d["smoothed_obs_disturbance"] = MatrixXd(s.obs_disturbance.transpose());
    d["smoothed_state_disturbance"] = MatrixXd(s.state_disturbance.transpose());
  }
  return d;
}

// Maximum likelihood for any model with fit(start, maxiter, gtol) -> FitResult.
template <class Model>
py::dict fit_model(const Model& model, const VectorXd& start, int maxiter, double gtol) {
  ss::FitResult r;
  {
    py::gil_scoped_release release;  // pure C++ on an immutable model
    r = model.fit(start, maxiter, gtol);
  }
  return summitcast::bindings::fit_report_dict(r);
}

ss::SystemMatrices make_system(std::vector<MatrixXd> Z, std::vector<MatrixXd> H, std::vector<MatrixXd> T,
                               std::vector<MatrixXd> R, std::vector<MatrixXd> Q, MatrixXd d, MatrixXd c, VectorXd a1,
                               MatrixXd P1_star, MatrixXd P1_inf) {
  ss::SystemMatrices s;
  s.Z = std::move(Z);
  s.H = std::move(H);
  s.T = std::move(T);
  s.R = std::move(R);
  s.Q = std::move(Q);
  s.d = std::move(d);
  s.c = std::move(c);
  s.a1 = std::move(a1);
  s.P1_star = std::move(P1_star);
  s.P1_inf = std::move(P1_inf);
  return s;
}

}  // namespace

void register_statespace(py::module_& root) {
  py::module_ m = root.def_submodule("statespace", "Kalman filter and smoother, unobserved-components model, Gibbs sampler");

  py::class_<ss::TrigSeasonal>(m, "TrigSeasonal")
      .def(py::init([](int period, int harmonics, bool stochastic) {
             return ss::TrigSeasonal{period, harmonics, stochastic};
           }),
           py::arg("period"), py::arg("harmonics"), py::arg("stochastic") = true)
      .def_readonly("period", &ss::TrigSeasonal::period)
      .def_readonly("harmonics", &ss::TrigSeasonal::harmonics)
      .def_readonly("stochastic", &ss::TrigSeasonal::stochastic);

  py::class_<ss::ComponentBlock>(m, "ComponentBlock")
      .def_readonly("name", &ss::ComponentBlock::name)
      .def_readonly("first", &ss::ComponentBlock::first)
      .def_readonly("size", &ss::ComponentBlock::size)
      .def_readonly("signal", &ss::ComponentBlock::signal);

  py::class_<ss::ComponentSpec>(m, "ComponentSpec")
      .def(py::init<>())
      .def_readwrite("irregular", &ss::ComponentSpec::irregular)
      .def_readwrite("level", &ss::ComponentSpec::level)
      .def_readwrite("stochastic_level", &ss::ComponentSpec::stochastic_level)
      .def_readwrite("trend", &ss::ComponentSpec::trend)
      .def_readwrite("stochastic_trend", &ss::ComponentSpec::stochastic_trend)
      .def_readwrite("seasonal", &ss::ComponentSpec::seasonal)
      .def_readwrite("stochastic_seasonal", &ss::ComponentSpec::stochastic_seasonal)
      .def_readwrite("trig", &ss::ComponentSpec::trig)
      .def_readwrite("k_exog", &ss::ComponentSpec::k_exog)
      .def_readwrite("exact_diffuse", &ss::ComponentSpec::exact_diffuse)
      .def_readwrite("approx_diffuse_variance", &ss::ComponentSpec::approx_diffuse_variance)
      .def("validate", &ss::ComponentSpec::validate)
      .def("variance_names", &ss::ComponentSpec::variance_names)
      .def("state_names", &ss::ComponentSpec::state_names)
      .def("layout", &ss::ComponentSpec::layout)
      .def("disturbance_groups", &ss::ComponentSpec::disturbance_groups)
      .def_property_readonly("k_states", &ss::ComponentSpec::k_states_total)
      .def_property_readonly("k_params", &ss::ComponentSpec::k_params)
      .def_property_readonly("k_variances", &ss::ComponentSpec::k_variances)
      .def("system", [](const ss::ComponentSpec& spec, const VectorXd& params, const MatrixXd& exog) {
        ss::SystemMatrices s = spec.build(params, exog);
        py::dict d;
        d["Z"] = s.Z[0];
        d["H"] = s.H[0];
        d["T"] = s.T[0];
        d["R"] = s.R[0];
        d["Q"] = s.Q[0];
        d["d"] = s.d;
        d["c"] = s.c;
        d["a1"] = s.a1;
        d["P1_star"] = s.P1_star;
        d["P1_inf"] = s.P1_inf;
        return d;
      });

  // Generic filter and smoother for any (time-varying) system; matrices are
  // lists with one entry (time-invariant) or one per time point.
  m.def(
      "kalman_filter",
      [](std::vector<MatrixXd> Z, std::vector<MatrixXd> H, std::vector<MatrixXd> T, std::vector<MatrixXd> R,
         std::vector<MatrixXd> Q, MatrixXd d, MatrixXd c, VectorXd a1, MatrixXd P1_star, MatrixXd P1_inf,
         const MatrixXd& y, bool store, bool smooth, bool steady_state, long loglikelihood_burn) {
        ss::SystemMatrices sys = make_system(std::move(Z), std::move(H), std::move(T), std::move(R), std::move(Q),
                                             std::move(d), std::move(c), std::move(a1), std::move(P1_star),
                                             std::move(P1_inf));
        sys.validate_covariances("kalman_filter", y.cols());
        ss::FilterOutput f;
        ss::SmootherOutput s;
        {
          py::gil_scoped_release release;  // pure C++ below
          ss::FilterOptions opt;
          opt.store = store || smooth;
          opt.steady_state = steady_state;
          opt.loglikelihood_burn = loglikelihood_burn;
          ss::KalmanFilter kf(sys, y, opt);
          f = kf.run();
          if (std::isnan(f.loglike))
            throw summitcast::NumericalError(
                "kalman_filter: the log-likelihood is NaN (the system or data overflow double precision; rescale them)");
          if (smooth) s = ss::smooth(sys, f, true, true);
        }
        py::dict out = filter_dict(f);
        if (smooth) out.attr("update")(smoother_dict(s));
        return out;
      },
      py::arg("Z"), py::arg("H"), py::arg("T"), py::arg("R"), py::arg("Q"), py::arg("d"), py::arg("c"),
      py::arg("a1"), py::arg("P1_star"), py::arg("P1_inf"), py::arg("y"), py::arg("store") = false,
      py::arg("smooth") = false, py::arg("steady_state") = true, py::arg("loglikelihood_burn") = 0);

  py::class_<ss::UnobservedComponentsModel>(m, "UCModel")
      .def(py::init<ss::ComponentSpec, VectorXd, MatrixXd>(), py::arg("spec"), py::arg("endog"), py::arg("exog"))
      .def_property_readonly("nobs", &ss::UnobservedComponentsModel::nobs)
      .def("loglike", &ss::UnobservedComponentsModel::loglike, py::arg("params"),
           py::call_guard<py::gil_scoped_release>())
      .def("start_params", &ss::UnobservedComponentsModel::start_params)
      .def(
          "score",
          [](const ss::UnobservedComponentsModel& model, const VectorXd& params) {
            VectorXd g;
            {
              py::gil_scoped_release release;
              model.loglike_and_score(params, g);
            }
            return g;
          },
          py::arg("params"))
      .def(
          "filter",
          [](const ss::UnobservedComponentsModel& model, const VectorXd& params) {
            ss::FilterOutput f;
            {
              py::gil_scoped_release release;
              f = model.filter(params, true);
            }
            return filter_dict(f);
          },
          py::arg("params"))
      .def(
          "smooth",
          [](const ss::UnobservedComponentsModel& model, const VectorXd& params, bool cov) {
            ss::FilterOutput f;
            ss::SmootherOutput s;
            {
              py::gil_scoped_release release;
              f = model.filter(params, true);
              s = ss::smooth(model.system(params), f, cov, true);
            }
            py::dict out = filter_dict(f);
            out.attr("update")(smoother_dict(s));
            return out;
          },
          py::arg("params"), py::arg("cov") = true)
      .def("fit", &fit_model<ss::UnobservedComponentsModel>, py::arg("start"), py::arg("maxiter") = 500,
           py::arg("gtol") = 1e-7)
      .def("simulation_smoother", &ss::UnobservedComponentsModel::simulation_smoother, py::arg("params"),
           py::arg("draws"), py::arg("seed"), py::call_guard<py::gil_scoped_release>())
      .def("hessian", &ss::UnobservedComponentsModel::hessian, py::arg("params"),
           py::call_guard<py::gil_scoped_release>())
      .def(
          "forecast",
          [](const ss::UnobservedComponentsModel& model, const VectorXd& params, long steps, const MatrixXd& exog) {
            std::atomic<bool> stop{false};
            ss::Forecast f = summitcast::bindings::run_interruptible(
                [&] { return model.forecast(params, steps, exog, &stop); }, stop, nullptr, py::none());
            return py::make_tuple(f.mean, f.variance);
          },
          py::arg("params"), py::arg("steps"), py::arg("exog"))
      .def("simulate", &ss::UnobservedComponentsModel::simulate, py::arg("params"), py::arg("steps"),
           py::arg("paths"), py::arg("exog"), py::arg("seed"), py::arg("threads"),
           py::call_guard<py::gil_scoped_release>())
      .def("simulate_from_draws", &ss::UnobservedComponentsModel::simulate_from_draws, py::arg("params"),
           py::arg("last_states"), py::arg("steps"), py::arg("exog"), py::arg("seed"), py::arg("threads"),
           py::call_guard<py::gil_scoped_release>())
      .def(
          "gibbs",
          [](const ss::UnobservedComponentsModel& model, const VectorXd& shape, const VectorXd& scale,
             const VectorXd& beta_mean, const VectorXd& beta_var, const VectorXd& start, long draws, long tune,
             long thin, int chains, int threads, std::uint64_t seed, const MatrixXd& selection,
             py::object on_progress) {
            ss::GibbsPriors priors{shape, scale, beta_mean, beta_var};
            ss::GibbsOptions opt;
            opt.draws = draws;
            opt.tune = tune;
            opt.thin = thin;
            opt.chains = chains;
            opt.threads = threads;
            opt.seed = seed;
            std::atomic<bool> stop{false};
            std::atomic<long long> progress{0};
            ss::GibbsOutput out = summitcast::bindings::run_interruptible(
                [&] { return ss::run_gibbs(model, priors, start, opt, selection, &stop, &progress); }, stop,
                &progress, on_progress);
            py::dict d;
            d["params"] = out.params;
            d["last_state"] = out.last_state;
            d["signals"] = out.signals;
            return d;
          },
          py::arg("shape"), py::arg("scale"), py::arg("beta_mean"), py::arg("beta_var"), py::arg("start"),
          py::arg("draws"), py::arg("tune"), py::arg("thin"), py::arg("chains"), py::arg("threads"), py::arg("seed"),
          py::arg("selection"), py::arg("on_progress") = py::none());
  py::class_<ss::AggregationModel>(m, "AggregationModel")
      .def(py::init([](ss::ComponentSpec spec, VectorXd monthly, VectorXd aggregates, VectorXd scale,
                       VectorXd weight, std::vector<bool> period_start) {
             ss::AggregationLayout layout{std::move(scale), std::move(weight), std::move(period_start)};
             return ss::AggregationModel(std::move(spec), std::move(monthly), std::move(aggregates),
                                         std::move(layout));
           }),
           py::arg("spec"), py::arg("monthly"), py::arg("aggregates"), py::arg("scale"), py::arg("weight"),
           py::arg("period_start"))
      .def_property_readonly("nobs", &ss::AggregationModel::nobs)
      .def_property_readonly("nobs_diffuse", &ss::AggregationModel::nobs_diffuse)
      .def_property_readonly("k_states", &ss::AggregationModel::k_states)
      .def("start_params", &ss::AggregationModel::start_params)
      .def("loglike", &ss::AggregationModel::loglike, py::arg("params"), py::call_guard<py::gil_scoped_release>())
      .def("hessian", &ss::AggregationModel::hessian, py::arg("params"), py::call_guard<py::gil_scoped_release>())
      .def("fit", &fit_model<ss::AggregationModel>, py::arg("start"), py::arg("maxiter") = 500,
           py::arg("gtol") = 1e-7)
      .def(
          "smooth",
          [](const ss::AggregationModel& model, const VectorXd& params, const VectorXd& future_scale) {
            ss::AggregationSmooth s;
            {
              py::gil_scoped_release release;
              s = model.smooth(params, future_scale);
            }
            py::dict out = filter_dict(s.filter);
            out.attr("update")(smoother_dict(s.smoother));
            out["mean"] = s.mean;
            out["variance"] = s.variance;
            return out;
          },
          py::arg("params"), py::arg("future_scale"));
}
