// Bindings for core helpers: scalar distribution functions (Boost.Math).
#include "prelude.hpp"
#include "summitcast/core/distributions.hpp"

void register_core(py::module_& m) {
  m.def("chi2_sf", py::vectorize(summitcast::dist::chi2_sf), py::arg("x"), py::arg("df"));
  m.def("f_sf", py::vectorize(summitcast::dist::f_sf), py::arg("x"), py::arg("d1"), py::arg("d2"));
  m.def("normal_ppf", py::vectorize(summitcast::dist::normal_ppf), py::arg("p"));
  m.def("normal_cdf", py::vectorize(summitcast::dist::normal_cdf), py::arg("x"));
}
