#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted with the repository's .clang-format.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bad=()
while IFS= read -r file; do
  [ -f "$file" ] || continue
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then bad+=("$file"); fi
done < <(git ls-files '*.h' '*.cc')
if [ ${#bad[@]} -gt 0 ]; then
  echo "not clang-formatted (run: clang-format -i ${bad[*]})"
  exit 1
fi
echo "clang-format: all files formatted"
