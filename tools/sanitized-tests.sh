#!/usr/bin/env bash
# Build _core with AddressSanitizer + UBSan in build/asan (-O1 with line
# tables only: what ASan recommends, and half the compile time of -O2 -g) and run the given
# tests (default: the whole suite) against it.  Needs the test dependencies in
# the active environment.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S . -B build/asan "${generator[@]}" -DSUMMITCAST_DEV_OUTPUT=ON -DSUMMITCAST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -Dpybind11_DIR="$(python -m pybind11 --cmakedir)"
cmake --build build/asan -j2
runtime="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libubsan.so)"
LD_PRELOAD="$runtime" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  PYTHONPATH="$PWD/python" python -m pytest -p no:cacheprovider "${@:-tests}"
# The sanitized module sits in python/summitcast: rebuild build/dev afterwards.
