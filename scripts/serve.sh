#!/usr/bin/env bash
# Command 1 of the README: installs what is missing, builds, and starts the gateway on 127.0.0.1 with
# the embedded defaults. Development TLS certificates are generated on the first run under the state
# directory ($ZORGBRUG_STATE_DIR, else $XDG_STATE_HOME/zorgbrug, else ~/.local/state/zorgbrug).
# Extra arguments go to `zorgbrug serve` (see `build/gateway/zorgbrug serve --help`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
ZORGBRUG_CMAKE_ARGS="-DZORGBRUG_BUILD_BENCH=OFF" "$root/scripts/build.sh" --target zorgbrug
exec "$root/build/gateway/zorgbrug" serve "$@"
