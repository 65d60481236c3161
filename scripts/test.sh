#!/usr/bin/env bash
# Command 2 of the README (and what .ci/run calls): installs what is missing, builds everything and runs
# every test; then builds the tests labelled "sanitize" (fhir/ unit tests, hostile input, the examples
# corpus, the gateway's unit and integration tests) with AddressSanitizer + UndefinedBehaviorSanitizer
# and runs them; then checks clang-format.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"

if command -v npm >/dev/null 2>&1; then
  echo "== the independent Node.js gRPC client used by the interop test (pinned in tests/interop)"
  npm ci --prefix "$root/tests/interop" --no-audit --no-fund --loglevel=error
fi

echo "== build (RelWithDebInfo) and all tests"
ZORGBRUG_CMAKE_ARGS="-DZORGBRUG_BUILD_BENCH=ON -DZORGBRUG_SANITIZE=OFF" "$root/scripts/build.sh"
ctest --test-dir "$root/build" --output-on-failure -j 2 --timeout 600

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: parsers under hostile input, the gateway"
ZORGBRUG_BUILD_DIR="$root/build-asan" ZORGBRUG_BUILD_TYPE=Debug \
  ZORGBRUG_CMAKE_ARGS="-DZORGBRUG_SANITIZE=ON -DZORGBRUG_BUILD_BENCH=OFF" \
  "$root/scripts/build.sh"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure -j 2 --timeout 900 -L sanitize

echo "== clang-format"
"$root/scripts/check-format.sh"
