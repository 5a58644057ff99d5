#!/usr/bin/env bash
# Build and run the C++ unit tests (cpp/tests, Boost.Test) with ctest.
#   tools/cpp-tests.sh            plain build in build/cpp-tests
#   tools/cpp-tests.sh sanitize   ASan + UBSan build in build/cpp-tests-asan
# The Eigen and Boost headers come from a system copy or from the cmeel
# packages of the active Python environment (pip install cmeel-eigen cmeel-boost).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-plain}"
case "$mode" in
  plain) dir=build/cpp-tests; sanitize=OFF ;;
  sanitize) dir=build/cpp-tests-asan; sanitize=ON ;;
  *) echo "usage: $0 [plain|sanitize]" >&2; exit 2 ;;
esac
prefix=$(python -c "import cmeel, pathlib; print(pathlib.Path(cmeel.__file__).parent.parent / 'cmeel.prefix')" 2>/dev/null || true)
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S cpp/tests -B "$dir" "${generator[@]}" -DSUMMITCAST_SANITIZE="$sanitize" ${prefix:+-DCMAKE_PREFIX_PATH="$prefix"}
cmake --build "$dir" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
  ctest --test-dir "$dir" --output-on-failure
