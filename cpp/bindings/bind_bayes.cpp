// Bindings for the Bayesian layer: priors, model densities, the NUTS runner,
// the posterior mode / Laplace approximation and the diagnostics.  The
// sampler and optimiser run with the GIL released: they read only the C++
// model object, which Python keeps alive for the duration of the call.
#include <atomic>
#include <cstdint>

#include "prelude.hpp"
#include "summitcast/bayes/binary_regression.hpp"
#include "summitcast/bayes/density_rows.hpp"
#include "summitcast/bayes/diagnostics.hpp"
#include "summitcast/bayes/hierarchical_logit.hpp"
#include "summitcast/bayes/ordinal_regression.hpp"
#include "summitcast/bayes/laplace.hpp"
#include "summitcast/bayes/mahalanobis.hpp"
#include "summitcast/bayes/sampler.hpp"

namespace bayes = summitcast::bayes;
namespace diag = summitcast::bayes::diagnostics;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

bayes::Link parse_link(const std::string& link) {
  if (link == "logit") return bayes::Link::logit;
  if (link == "probit") return bayes::Link::probit;
  summitcast::fail_value("bayes", "link must be 'logit' or 'probit', got '", link, "'");
}

// (chains, draws) array from one column of every chain's results.
template <class Getter>
py::array_t<double> stack_stat(const std::vector<bayes::ChainResult>& res, long draws, Getter get) {
  py::array_t<double> out({static_cast<py::ssize_t>(res.size()), static_cast<py::ssize_t>(draws)});
  auto a = out.mutable_unchecked<2>();
  for (std::size_t c = 0; c < res.size(); ++c)
    for (long i = 0; i < draws; ++i) a(static_cast<py::ssize_t>(c), i) = get(res[c], i);
  return out;
}

py::dict results_dict(const std::vector<bayes::ChainResult>& res, Eigen::Index d) {
  long draws = res.empty() ? 0 : res[0].completed;
  for (const auto& r : res) draws = std::min(draws, r.completed);
  py::array_t<double> theta({static_cast<py::ssize_t>(res.size()), static_cast<py::ssize_t>(draws),
                             static_cast<py::ssize_t>(d)});
  auto t = theta.mutable_unchecked<3>();
  for (std::size_t c = 0; c < res.size(); ++c)
    for (long i = 0; i < draws; ++i)
      for (Eigen::Index j = 0; j < d; ++j) t(static_cast<py::ssize_t>(c), i, j) = res[c].draws(i, j);
  py::dict out;
  out["theta"] = theta;
  out["lp"] = stack_stat(res, draws, [](const auto& r, long i) { return r.lp[i]; });
  out["acceptance_rate"] = stack_stat(res, draws, [](const auto& r, long i) { return r.accept_stat[i]; });
  out["step_size"] = stack_stat(res, draws, [](const auto& r, long i) { return r.step_size[i]; });
  out["energy"] = stack_stat(res, draws, [](const auto& r, long i) { return r.energy[i]; });
  out["tree_depth"] = stack_stat(res, draws, [](const auto& r, long i) { return double(r.tree_depth[i]); });
  out["n_steps"] = stack_stat(res, draws, [](const auto& r, long i) { return double(r.n_leapfrog[i]); });
  out["diverging"] = stack_stat(res, draws, [](const auto& r, long i) { return double(r.divergent[i]); });
  MatrixXd inv_metric(res.size(), d);
  VectorXd grads(res.size());
  bool interrupted = false;
  for (std::size_t c = 0; c < res.size(); ++c) {
    inv_metric.row(static_cast<Eigen::Index>(c)) = res[c].inverse_metric_diagonal.transpose();
    grads[static_cast<Eigen::Index>(c)] = static_cast<double>(res[c].gradient_evaluations);
    interrupted = interrupted || res[c].interrupted;
  }
  out["inverse_metric"] = inv_metric;
  out["gradient_evaluations"] = grads;
  out["interrupted"] = interrupted;
  out["draws_completed"] = draws;
  return out;
}

MatrixXd as_draws(const py::array_t<double, py::array::c_style | py::array::forcecast>& a, const char* fn) {
  if (a.ndim() != 2)
    summitcast::fail_value(fn, "x must be a 2-d array shaped (chain, draw), got ", a.ndim(), " dimensions");
  auto v = a.unchecked<2>();
  MatrixXd m(v.shape(0), v.shape(1));
  for (py::ssize_t i = 0; i < v.shape(0); ++i)
    for (py::ssize_t j = 0; j < v.shape(1); ++j) m(i, j) = v(i, j);
  return m;
}

}  // namespace

void register_bayes(py::module_& root) {
  py::module_ m = root.def_submodule("bayes", "NUTS, model densities, Laplace approximation, diagnostics");

  py::class_<bayes::Prior>(m, "Prior")
      .def_static("flat", &bayes::Prior::flat)
      .def_static("normal", &bayes::Prior::normal, py::arg("mu"), py::arg("sigma"))
      .def_static("student_t", &bayes::Prior::student_t, py::arg("nu"), py::arg("mu"), py::arg("sigma"))
      .def_static("cauchy", &bayes::Prior::cauchy, py::arg("mu"), py::arg("sigma"))
      .def("lpdf", [](const bayes::Prior& p, double x) {
        double d = 0.0;
        const double v = p.lpdf(x, &d);
        return py::make_tuple(v, d);
      });
  py::class_<bayes::ScalePrior>(m, "ScalePrior")
      .def_static("half_normal", &bayes::ScalePrior::half_normal, py::arg("sigma"))
      .def_static("half_student_t", &bayes::ScalePrior::half_student_t, py::arg("nu"), py::arg("sigma"))
      .def_static("exponential", &bayes::ScalePrior::exponential, py::arg("rate"));

  py::class_<bayes::LogDensity>(m, "LogDensity")
      .def_property_readonly("dim", &bayes::LogDensity::dim)
      .def(
          "log_density",
          [](const bayes::LogDensity& model, const VectorXd& theta, bool jacobian) {
            summitcast::check_size("log_density", "theta", theta.size(), model.dim());
            VectorXd g(model.dim());
            const double lp = model.log_density(theta, g, jacobian);
            return py::make_tuple(lp, g);
          },
          py::arg("theta"), py::arg("jacobian") = true)
      .def(
          "log_likelihood",
          [](const bayes::LogDensity& model, const VectorXd& theta) {
            summitcast::check_size("log_likelihood", "theta", theta.size(), model.dim());
            return model.log_likelihood(theta);
          },
          py::arg("theta"));

  py::class_<bayes::BinaryRegression, bayes::LogDensity>(m, "BinaryRegression")
      .def(py::init([](MatrixXd X, VectorXd y, const std::string& link, bool intercept, bayes::Prior prior,
                       bayes::Prior prior_intercept, VectorXd offset, VectorXd weights) {
             return bayes::BinaryRegression(std::move(X), std::move(y), parse_link(link), intercept, prior,
                                            prior_intercept, std::move(offset), std::move(weights));
           }),
           py::arg("X"), py::arg("y"), py::arg("link"), py::arg("intercept"), py::arg("prior"),
           py::arg("prior_intercept"), py::arg("offset"), py::arg("weights"));

  py::class_<bayes::OrderedRegression, bayes::LogDensity>(m, "OrderedRegression")
      .def(py::init([](MatrixXd X, VectorXd y, int levels, const std::string& link, bayes::Prior prior,
                       bayes::Prior prior_cutpoints, VectorXd offset, VectorXd weights) {
             return bayes::OrderedRegression(std::move(X), std::move(y), levels, parse_link(link), prior,
                                             prior_cutpoints, std::move(offset), std::move(weights));
           }),
           py::arg("X"), py::arg("y"), py::arg("levels"), py::arg("link"), py::arg("prior"),
           py::arg("prior_cutpoints"), py::arg("offset"), py::arg("weights"))
      .def_static("cutpoints", &bayes::OrderedRegression::cutpoints, py::arg("r"));

  py::class_<bayes::HierarchicalBinaryRegression, bayes::LogDensity>(m, "HierarchicalBinaryRegression")
      .def(py::init([](MatrixXd X, MatrixXd Z, VectorXd y, Eigen::VectorXi group, int n_groups,
                       const std::string& link, bool intercept, bayes::Prior prior, bayes::Prior prior_intercept,
                       bayes::ScalePrior prior_scale, VectorXd offset, VectorXd weights) {
             return bayes::HierarchicalBinaryRegression(std::move(X), std::move(Z), std::move(y), std::move(group),
                                                        n_groups, parse_link(link), intercept, prior,
                                                        prior_intercept, prior_scale, std::move(offset),
                                                        std::move(weights));
           }),
           py::arg("X"), py::arg("Z"), py::arg("y"), py::arg("group"), py::arg("n_groups"), py::arg("link"),
           py::arg("intercept"), py::arg("prior"), py::arg("prior_intercept"), py::arg("prior_scale"),
           py::arg("offset"), py::arg("weights"));

  m.def(
      "sample",
      [](const bayes::LogDensity& model, long draws, long tune, int chains, std::uint64_t seed, int cores,
         int max_tree_depth, double target_accept, bool dense_metric, const std::string& metric_adaptation,
         double init_radius, std::vector<VectorXd> inits, const py::object& on_progress) {
        bayes::SamplerOptions opt;
        opt.draws = draws;
        opt.tune = tune;
        opt.chains = chains;
        opt.max_tree_depth = max_tree_depth;
        opt.target_accept = target_accept;
        opt.dense_metric = dense_metric;
        if (metric_adaptation == "gradients") opt.metric_adaptation = bayes::MetricAdaptation::gradients;
        else if (metric_adaptation == "stan") opt.metric_adaptation = bayes::MetricAdaptation::stan_windows;
        else summitcast::fail_value("sample", "metric_adaptation must be 'gradients' or 'stan', got ", metric_adaptation);
        opt.init_radius = init_radius;
        opt.validate();
        std::atomic<bool> stop{false};
        std::atomic<long long> progress{0};
        const std::vector<VectorXd>* init_ptr = inits.empty() ? nullptr : &inits;
        auto results = summitcast::bindings::run_interruptible(
            [&] { return bayes::run_nuts(model, opt, seed, cores, &stop, &progress, init_ptr); }, stop, &progress,
            on_progress);
        return results_dict(results, model.dim());
      },
      py::arg("model"), py::arg("draws"), py::arg("tune"), py::arg("chains"), py::arg("seed"), py::arg("cores"),
      py::arg("max_tree_depth") = 10, py::arg("target_accept") = 0.8, py::arg("dense_metric") = false,
      py::arg("metric_adaptation") = "gradients", py::arg("init_radius") = 2.0, py::arg("inits") = std::vector<VectorXd>{},
      py::arg("on_progress") = py::none());

  m.def(
      "find_mode",
      [](const bayes::LogDensity& model, const VectorXd& start, bool jacobian, int max_iterations,
         double gradient_tol) {
        bayes::ModeResult r;
        {
          py::gil_scoped_release release;  // pure C++ on an immutable model
          r = bayes::find_mode(model, start, jacobian, max_iterations, gradient_tol);
        }
        return summitcast::bindings::fit_report_dict(r);
      },
      py::arg("model"), py::arg("start"), py::arg("jacobian") = true, py::arg("max_iterations") = 1000,
      py::arg("gradient_tol") = 1e-8);
  m.def(
      "hessian",
      [](const bayes::LogDensity& model, const VectorXd& theta, bool jacobian) {
        summitcast::check_size("hessian", "theta", theta.size(), model.dim());
        return bayes::hessian_fd(model, theta, jacobian);
      },
      py::arg("model"), py::arg("theta"), py::arg("jacobian") = true, py::call_guard<py::gil_scoped_release>());
  m.def(
      "log_density_rows",
      [](const bayes::LogDensity& model, const MatrixXd& thetas, bool jacobian, int threads) {
        return bayes::log_density_rows(model, thetas, jacobian, threads);
      },
      py::arg("model"), py::arg("thetas"), py::arg("jacobian") = true, py::arg("threads") = 0,
      py::call_guard<py::gil_scoped_release>());
  m.def("mahalanobis_rows", &bayes::mahalanobis_rows, py::arg("thetas"), py::arg("centre"), py::arg("root"),
        py::call_guard<py::gil_scoped_release>());
  m.def("laplace_draws", &bayes::laplace_draws, py::arg("mode"), py::arg("hessian"), py::arg("draws"),
        py::arg("seed"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "inverse_link",
      [](const std::string& link, py::array_t<double, py::array::c_style | py::array::forcecast> x) {
        const bayes::Link l = parse_link(link);
        py::array_t<double> out(x.request().shape);
        const double* in = x.data();
        double* o = out.mutable_data();
        for (py::ssize_t i = 0; i < x.size(); ++i) o[i] = bayes::cdf(l, in[i]);
        return out;
      },
      py::arg("link"), py::arg("x"));

  // Diagnostics on one quantity's (chain, draw) array.
  auto def_diag = [&m](const char* name, double (*f)(const MatrixXd&)) {
    m.def(
        name,
        [f, name](const py::array_t<double, py::array::c_style | py::array::forcecast>& x) {
          const MatrixXd d = as_draws(x, name);
          py::gil_scoped_release release;
          return f(d);
        },
        py::arg("x"));
  };
  def_diag("rhat", &diag::rhat);
  def_diag("ess_bulk", &diag::ess_bulk);
  def_diag("ess_tail", &diag::ess_tail);
  def_diag("ess_mean", &diag::ess_mean);
  def_diag("mcse_mean", &diag::mcse_mean);
  def_diag("mcse_sd", &diag::mcse_sd);
  m.def(
      "bfmi",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& x) {
        return diag::bfmi(as_draws(x, "bfmi"));
      },
      py::arg("energy"));
  // All diagnostics for a (chain, draw, k) array at once: k x 6 matrix with
  // columns mcse_mean, mcse_sd, ess_bulk, ess_tail, rhat, ess_mean.
  m.def(
      "summary_diagnostics",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& a) {
        if (a.ndim() != 3) summitcast::fail_value("summary_diagnostics", "draws must be (chain, draw, k)");
        auto v = a.unchecked<3>();
        std::vector<MatrixXd> per(static_cast<std::size_t>(v.shape(2)), MatrixXd(v.shape(0), v.shape(1)));
        for (py::ssize_t c = 0; c < v.shape(0); ++c)
          for (py::ssize_t i = 0; i < v.shape(1); ++i)
            for (py::ssize_t k = 0; k < v.shape(2); ++k) per[static_cast<std::size_t>(k)](c, i) = v(c, i, k);
        MatrixXd out(v.shape(2), 6);
        {
          py::gil_scoped_release release;
          for (std::size_t k = 0; k < per.size(); ++k) {
            const auto& x = per[k];
            const auto r = static_cast<Eigen::Index>(k);
            out(r, 0) = diag::mcse_mean(x);
            out(r, 1) = diag::mcse_sd(x);
            out(r, 2) = diag::ess_bulk(x);
            out(r, 3) = diag::ess_tail(x);
            out(r, 4) = diag::rhat(x);
            out(r, 5) = diag::ess_mean(x);
          }
        }
        return out;
      },
      py::arg("draws"));
}
