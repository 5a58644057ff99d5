// Bindings for the score layer (summitcast._core.score).  Thin: arrays in,
// arrays out; every call runs with the GIL released, as the C++ reads only
// its own copies or views of the inputs and touches no Python object.
#include <cstdint>

#include "prelude.hpp"
#include "summitcast/score/block_bootstrap.hpp"
#include "summitcast/score/crps_closed_form.hpp"
#include "summitcast/score/crps_counts.hpp"
#include "summitcast/score/crps_ensemble.hpp"
#include "summitcast/score/isotonic.hpp"
#include "summitcast/score/ranking.hpp"

namespace sc = summitcast::score;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using Vec = Eigen::Ref<const VectorXd>;

namespace {

sc::BlockScheme scheme(Eigen::Index block_length, bool circular) { return {block_length, circular}; }

}  // namespace

void register_score(py::module_& root) {
  py::module_ m = root.def_submodule("score", "Proper scores, isotonic calibration, block bootstrap");
  using release = py::call_guard<py::gil_scoped_release>;

  m.def("crps_normal", &sc::crps_normal_many, py::arg("y"), py::arg("mu"), py::arg("sigma"), release());
  m.def("crps_poisson", &sc::crps_poisson_many, py::arg("y"), py::arg("mu"), release());
  m.def("crps_negbin", &sc::crps_negbin_many, py::arg("y"), py::arg("size"), py::arg("prob"),
        py::arg("max_terms") = sc::negbin_max_terms, release());
  m.def("crps_ensemble", &sc::crps_ensemble, py::arg("y"), py::arg("samples"), py::arg("fair"),
        py::arg("presorted") = false, release());
  m.def("auc", &sc::auc_mann_whitney, py::arg("p"), py::arg("y"), release());

  m.def(
      "isotonic_calibration",
      [](const Vec& p, const Vec& y) {
        sc::IsotonicFit f;
        {
          py::gil_scoped_release release;
          f = sc::isotonic_calibration(p, y);
        }
        return py::make_tuple(f.x, f.fit, f.weight);
      },
      py::arg("p"), py::arg("y"));
  m.def(
      "isotonic_bootstrap",
      [](const Vec& p, const Vec& y, const Vec& q, Eigen::Index block_length, bool circular, Eigen::Index n_boot,
         std::uint64_t seed) { return sc::isotonic_bootstrap(p, y, q, scheme(block_length, circular), n_boot, seed); },
      py::arg("p"), py::arg("y"), py::arg("q"), py::arg("block_length"), py::arg("circular"), py::arg("n_boot"),
      py::arg("seed"), release());
  m.def(
      "block_bootstrap_means",
      [](const Eigen::Ref<const MatrixXd>& values, Eigen::Index block_length, bool circular, Eigen::Index n_boot,
         std::uint64_t seed) { return sc::block_bootstrap_means(values, scheme(block_length, circular), n_boot, seed); },
      py::arg("values"), py::arg("block_length"), py::arg("circular"), py::arg("n_boot"), py::arg("seed"), release());
  m.def(
      "block_bootstrap_group_means",
      [](const Vec& values, const Eigen::Ref<const Eigen::VectorXi>& group, Eigen::Index n_groups,
         Eigen::Index block_length, bool circular, Eigen::Index n_boot, std::uint64_t seed) {
        return sc::block_bootstrap_group_means(values, group, n_groups, scheme(block_length, circular), n_boot, seed);
      },
      py::arg("values"), py::arg("group"), py::arg("n_groups"), py::arg("block_length"), py::arg("circular"),
      py::arg("n_boot"), py::arg("seed"), release());
  m.def("effective_sample_size", &sc::effective_sample_size, py::arg("x"), release());
}
