// Bindings for the count-time-series layer (INGARCH).  Thin: build the spec
// from strings, convert arrays, release the GIL around the C++ loops (they
// touch no Python object).
#include "prelude.hpp"
#include "summitcast/counts/ingarch_fit.hpp"
#include "summitcast/counts/ingarch_predict.hpp"

namespace sc = summitcast::counts;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

sc::IngarchSpec make_spec(std::vector<int> past_obs, std::vector<int> past_mean, long k_exog, const std::string& link,
                          const std::string& family, const std::string& init, bool init_drop) {
  sc::IngarchSpec s;
  s.past_obs = std::move(past_obs);
  s.past_mean = std::move(past_mean);
  s.k_exog = k_exog;
  if (link == "log") s.link = sc::Link::log;
  else if (link == "identity") s.link = sc::Link::identity;
  else summitcast::fail_value("INGARCH", "link must be 'log' or 'identity', got '", link, "'");
  if (family == "poisson") s.family = sc::Family::poisson;
  else if (family == "negbin") s.family = sc::Family::negbin;
  else summitcast::fail_value("INGARCH", "family must be 'poisson' or 'negbin', got '", family, "'");
  if (init == "marginal") s.init = sc::Init::marginal;
  else if (init == "iid") s.init = sc::Init::iid;
  else if (init == "firstobs") s.init = sc::Init::firstobs;
  else if (init == "zero") s.init = sc::Init::zero;
  else summitcast::fail_value("INGARCH", "init must be 'marginal', 'iid', 'firstobs' or 'zero', got '", init, "'");
  s.init_drop = init_drop;
  s.validate();
  return s;
}

sc::Family family_of(const std::string& family) {
  if (family == "poisson") return sc::Family::poisson;
  if (family == "negbin") return sc::Family::negbin;
  summitcast::fail_value("counts", "family must be 'poisson' or 'negbin', got '", family, "'");
}

#define SPEC_ARGS                                                                                          \
  py::arg("past_obs"), py::arg("past_mean"), py::arg("link"), py::arg("family"), py::arg("init"), \
      py::arg("init_drop")

}  // namespace

void register_counts(py::module_& root) {
  py::module_ m = root.def_submodule("counts", "INGARCH count models and count distributions");
  // The spec travels as (past_obs, past_mean, link, family, init, init_drop);
  // k_exog is the number of columns of exog.
  m.def(
      "ingarch_loglike",
      [](const VectorXd& y, const MatrixXd& X, const VectorXd& params, std::vector<int> past_obs,
         std::vector<int> past_mean, const std::string& link, const std::string& family, const std::string& init,
         bool init_drop) {
        sc::IngarchModel model(make_spec(std::move(past_obs), std::move(past_mean), X.cols(), link, family, init,
                                         init_drop),
                               y, X);
        VectorXd grad, ll_t;
        double ll;
        {
          py::gil_scoped_release release;  // pure C++ on copied arrays
          ll = model.loglike(params, &grad, &ll_t);
        }
        return py::make_tuple(ll, grad, ll_t);
      },
      py::arg("endog"), py::arg("exog"), py::arg("params"), SPEC_ARGS);

  m.def(
      "ingarch_filter",
      [](const VectorXd& y, const MatrixXd& X, const VectorXd& params, std::vector<int> past_obs,
         std::vector<int> past_mean, const std::string& link, const std::string& family, const std::string& init,
         bool init_drop) {
        sc::IngarchModel model(make_spec(std::move(past_obs), std::move(past_mean), X.cols(), link, family, init,
                                         init_drop),
                               y, X);
        std::string why;
        if (!model.admissible(params, &why)) summitcast::fail_value("INGARCH", "params ", why);
        VectorXd nu;
        if (!model.recursion(params, nu, nullptr))
          summitcast::fail_value("INGARCH", "params give a conditional mean that is not positive and finite");
        return py::make_tuple(nu, model.means(nu));
      },
      py::arg("endog"), py::arg("exog"), py::arg("params"), SPEC_ARGS);

  m.def(
      "ingarch_fit",
      [](const VectorXd& y, const MatrixXd& X, std::vector<int> past_obs, std::vector<int> past_mean,
         const std::string& link, const std::string& family, const std::string& init, bool init_drop,
         std::optional<VectorXd> start, int max_iterations, const std::string& presample) {
        sc::Presample ps = sc::Presample::exact;
        if (presample == "plugin") ps = sc::Presample::plugin;
        else if (presample != "exact")
          summitcast::fail_value("INGARCH.fit", "presample must be 'exact' or 'plugin', got '", presample, "'");
        sc::IngarchModel model(make_spec(std::move(past_obs), std::move(past_mean), X.cols(), link, family, init,
                                         init_drop),
                               y, X);
        summitcast::optim::BfgsOptions opt;
        opt.max_iterations = max_iterations;
        sc::IngarchFit f;
        {
          py::gil_scoped_release release;  // pure C++ on copied arrays
          const VectorXd th0 = start ? *start : sc::ingarch_default_start(model);
          f = sc::fit_ingarch(model, th0, opt, ps, !start.has_value());
        }
        py::dict d = summitcast::bindings::fit_report_dict(f);
        d["at_boundary"] = f.at_boundary;
        d["nobs"] = model.nobs();
        VectorXd nu;
        // The workspace holds ν at θ̂ after most fits; otherwise run the recursion.
        if (!(f.evaluated_last && model.last_linear_predictor(nu, f.params))) model.recursion(f.params, nu, nullptr);
        d["linear_predictor"] = nu;
        return d;
      },
      py::arg("endog"), py::arg("exog"), SPEC_ARGS, py::arg("start_params") = py::none(),
      py::arg("max_iterations") = 500, py::arg("presample") = "exact");

  m.def(
      "ingarch_forecast_paths",
      [](const VectorXd& y, const MatrixXd& X, const VectorXd& params, std::vector<int> past_obs,
         std::vector<int> past_mean, const std::string& link, const std::string& family, const std::string& init,
         bool init_drop, const MatrixXd& X_future, long steps, long paths, std::uint64_t seed) {
        sc::IngarchModel model(make_spec(std::move(past_obs), std::move(past_mean), X.cols(), link, family, init,
                                         init_drop),
                               y, X);
        // Many paths can take a while: run on a worker thread that polls Ctrl-C.
        std::atomic<bool> stop{false};
        sc::IngarchPaths out = summitcast::bindings::run_interruptible(
            [&] { return sc::simulate_ingarch_paths(model, params, X_future, steps, paths, seed, &stop); }, stop,
            nullptr, py::none());
        return py::make_tuple(out.y, out.lambda);
      },
      py::arg("endog"), py::arg("exog"), py::arg("params"), SPEC_ARGS, py::arg("exog_future"), py::arg("steps"),
      py::arg("paths"), py::arg("seed"));

  m.def(
      "ingarch_simulate",
      [](const VectorXd& params, const MatrixXd& X, std::vector<int> past_obs, std::vector<int> past_mean,
         const std::string& link, const std::string& family, const std::string& init, long burn,
         std::uint64_t seed) {
        const sc::IngarchSpec s =
            make_spec(std::move(past_obs), std::move(past_mean), X.cols(), link, family, init, false);
        py::gil_scoped_release release;  // pure C++
        return sc::simulate_ingarch(s, params, X, burn, seed);
      },
      py::arg("params"), py::arg("exog"), py::arg("past_obs"), py::arg("past_mean"), py::arg("link"),
      py::arg("family"), py::arg("init") = "marginal", py::arg("burn") = 200, py::arg("seed") = 0);

  // Elementwise distribution functions over arrays of equal length
  // (y or k, lambda); alpha is the NB2 overdispersion (ignored for Poisson).
  m.def(
      "count_distribution",
      [](const VectorXd& k, const VectorXd& lambda, const std::string& family, double alpha) {
        const sc::Family f = family_of(family);
        if (f == sc::Family::negbin) summitcast::check_positive("count_distribution", "alpha", alpha);
        summitcast::check_size("count_distribution", "lambda", lambda.size(), k.size());
        VectorXd cdf_below(k.size()), cdf(k.size()), logpmf(k.size()), rps(k.size());
        {
          py::gil_scoped_release release;  // pure C++
          for (Eigen::Index i = 0; i < k.size(); ++i) {
            if (!(lambda[i] > 0.0) || !std::isfinite(lambda[i]))
              throw summitcast::ValueError("count_distribution: lambda must be positive and finite");
            cdf_below[i] = sc::count_cdf(f, k[i] - 1.0, lambda[i], alpha);
            cdf[i] = sc::count_cdf(f, k[i], lambda[i], alpha);
            logpmf[i] = sc::count_logpmf(f, k[i], lambda[i], alpha);
            rps[i] = sc::count_rps(f, k[i], lambda[i], alpha);
          }
        }
        py::dict d;
        d["cdf_below"] = cdf_below;  // P(Y <= k-1)
        d["cdf"] = cdf;              // P(Y <= k)
        d["logpmf"] = logpmf;
        d["rps"] = rps;
        return d;
      },
      py::arg("k"), py::arg("lambda_"), py::arg("family"), py::arg("alpha") = 1.0);

  m.def(
      "count_sf_at_least",
      [](double k, const MatrixXd& lambda, const std::string& family, double alpha) {
        const sc::Family f = family_of(family);
        MatrixXd out(lambda.rows(), lambda.cols());
        py::gil_scoped_release release;  // pure C++
        for (Eigen::Index j = 0; j < lambda.cols(); ++j)
          for (Eigen::Index i = 0; i < lambda.rows(); ++i)
            out(i, j) = sc::count_sf_at_least(f, k, lambda(i, j), alpha);
        return out;
      },
      py::arg("k"), py::arg("lambda_"), py::arg("family"), py::arg("alpha") = 1.0);
}
