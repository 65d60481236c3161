#!/usr/bin/env bash
# Command 2 of the README (and what .ci/run calls): installs what is missing, builds everything and runs
# every test; then builds the parsers' tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# them (hostile input, the examples corpus, the fhir/ unit tests); then checks clang-format.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"

echo "== build (RelWithDebInfo) and all tests"
ZORGBRUG_CMAKE_ARGS="-DZORGBRUG_BUILD_BENCH=ON -DZORGBRUG_SANITIZE=OFF" "$root/scripts/build.sh"
ctest --test-dir "$root/build" --output-on-failure -j 2 --timeout 600

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: parsers under hostile input"
ZORGBRUG_BUILD_DIR="$root/build-asan" ZORGBRUG_BUILD_TYPE=Debug \
  ZORGBRUG_CMAKE_ARGS="-DZORGBRUG_SANITIZE=ON -DZORGBRUG_BUILD_BENCH=OFF" \
  "$root/scripts/build.sh" --target fhir_test fhir_r4_test corpus_roundtrip_test hostile_input_test
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure -j 2 --timeout 900 -L sanitize

echo "== clang-format"
"$root/scripts/check-format.sh"
