#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted with its .clang-format: the tracked files
# and the new ones git does not ignore, so a file is checked before its first commit too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bad=()
while IFS= read -r file; do
  [ -f "$file" ] || continue
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then bad+=("$file"); fi
done < <(git ls-files --cached --others --exclude-standard '*.h' '*.cc')
if [ ${#bad[@]} -gt 0 ]; then
  echo "not clang-formatted (run: clang-format -i ${bad[*]})"
  exit 1
fi
echo "clang-format: all files formatted"
