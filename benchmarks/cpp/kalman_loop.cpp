// The filter's cost per step without Python around it: a loop over
// UnobservedComponentsModel::loglike on a SIMULATED series (local linear
// trend + dummy seasonal(12), or + trigonometric seasonal with 5 harmonics
// and one regressor: the two models of benchmarks/bench_statespace.py and
// cpp/tests/test_structured.cpp), with 3% of the months missing at random
// and one 11-month gap, or complete.  Prints the best process CPU time per
// step over the rounds and the log-likelihood.
//
// Build (the Eigen headers of the cmeel-eigen package, or a system copy):
//   prefix=$(python -c "import cmeel, pathlib; print(pathlib.Path(cmeel.__file__).parent.parent / 'cmeel.prefix')")
//   g++ -std=c++17 -O3 -DNDEBUG -Icpp/include -I$prefix/include/eigen3 -I$prefix/include
//       benchmarks/cpp/kalman_loop.cpp -o kalman_loop -lpthread   (one command line)
// Run: ./kalman_loop dummy|trig [n = 10000] [rounds = 20] [gaps|complete]
// On a shared machine alternate two builds several times and compare the
// best and the median of each (one run decides nothing).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>

#include "summitcast/core/rng.hpp"
#include "summitcast/statespace/uc_model.hpp"

namespace ss = summitcast::statespace;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  const bool trig = argc > 1 && std::strcmp(argv[1], "trig") == 0;
  const Index n = argc > 2 ? std::atol(argv[2]) : 10000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 20;
  const bool gaps = !(argc > 4 && std::strcmp(argv[4], "complete") == 0);
  if (n < 100 || rounds < 1) {
    std::fprintf(stderr, "n must be >= 100 and rounds >= 1\n");
    return 2;
  }
  ss::ComponentSpec spec;
  spec.level = spec.trend = spec.stochastic_trend = true;
  VectorXd params;
  MatrixXd exog;
  if (trig) {
    spec.trig.push_back({12, 5, true});
    spec.k_exog = 1;
    params.resize(5);
    params << 0.25, 0.04, 1e-4, 0.001, 1.5;
    exog.resize(n, 1);
    for (Index t = 0; t < n; ++t) exog(t, 0) = std::cos(static_cast<double>(t) / 7.0);
  } else {
    spec.seasonal = 12;
    params.resize(4);
    params << 0.25, 0.04, 1e-4, 0.01;
    exog.resize(n, 0);
  }
  summitcast::Rng rng(7);
  VectorXd y(n);
  double level = 0.0, slope = 0.02;
  for (Index t = 0; t < n; ++t) {
    slope += 0.01 * rng.normal();
    level += slope + 0.2 * rng.normal();
    y[t] = level + 2.0 * std::sin(2.0 * M_PI * static_cast<double>(t % 12) / 12.0) + 0.5 * rng.normal() +
           1.5 * std::cos(static_cast<double>(t) / 7.0);
  }
  if (gaps) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Index k = 0; k < n * 3 / 100; ++k) y[static_cast<Index>(rng.uniform() * static_cast<double>(n))] = nan;
    for (Index t = n / 2; t < n / 2 + 11; ++t) y[t] = nan;
  }
  const ss::UnobservedComponentsModel model(spec, y, exog);
  const int calls = std::max(1, static_cast<int>(200000 / n));  // about 2e5 steps per round
  double llf = 0.0, best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < rounds; ++r) {
    const double t0 = cpu_seconds();
    for (int k = 0; k < calls; ++k) llf = model.loglike(params);
    best = std::min(best, (cpu_seconds() - t0) / calls);
  }
  std::printf("%s n=%ld %s llf=%.10f best %.1f ns/step\n", trig ? "trig" : "dummy", static_cast<long>(n),
              gaps ? "gaps" : "complete", llf, best / static_cast<double>(n) * 1e9);
  return 0;
}
