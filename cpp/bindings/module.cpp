// summitcast._core: one module, one registration function per layer.
#include "prelude.hpp"
#include "summitcast/core/errors.hpp"

void register_core(py::module_& m);
void register_statespace(py::module_& m);
void register_counts(py::module_& m);
void register_events(py::module_& m);
void register_bayes(py::module_& m);
void register_score(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "summitcast's compiled core (private; use the summitcast package)";
  static py::exception<summitcast::NumericalError> numerical_error(m, "NumericalError", PyExc_ArithmeticError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const summitcast::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const summitcast::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const summitcast::NumericalError& e) {
      py::set_error(numerical_error, e.what());
    }
  });
  register_core(m);
  register_statespace(m);
  register_counts(m);
  register_events(m);
  register_bayes(m);
  register_score(m);
}
