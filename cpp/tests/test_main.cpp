// The one translation unit that compiles Boost.Test itself (header-only form);
// the suites live in test_<layer>.cpp.
#define BOOST_TEST_MODULE summitcast numerical kernels
#include <boost/test/included/unit_test.hpp>
