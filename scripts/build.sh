#!/usr/bin/env bash
# Configures and builds zorgbrug into build/ (or $ZORGBRUG_BUILD_DIR). Extra arguments go to the
# build step (for example a --target list). Uses at most $ZORGBRUG_JOBS (default 2) parallel jobs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZORGBRUG_BUILD_DIR:-$root/build}"
jobs="${ZORGBRUG_JOBS:-2}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${ZORGBRUG_BUILD_TYPE:-RelWithDebInfo}" \
  ${ZORGBRUG_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs" "$@"
