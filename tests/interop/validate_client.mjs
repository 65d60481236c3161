// An independent gRPC client (Node.js grpc-js, not our C++ code) that calls a running zorgbrug gateway
// over TLS, as an EPD vendor working in another language would. It checks what such a client relies on:
// the health service, Validate on good content, and, on bad content, the status code plus the
// ValidateResponse packed in the google.rpc.Status details (gRPC richer error model); and the messaging
// engine: a FHIR message processed, its resend answered with the same response, its delivery on the
// destination stream acknowledged and not sent again.
//
// Usage: node validate_client.mjs HOST:PORT CA_CERT_FILE REPO_PROTO_DIR
// Prints "N passed, N failed" and exits non-zero when a check failed.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const [address, caFile, repoProtoDir] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const localProtos = join(here, 'protos');

const loaderOptions = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };
const definition = protoLoader.loadSync(
  ['zorgbrug/v1/validation.proto', 'zorgbrug/v1/messaging.proto', 'grpc/health/v1/health.proto'],
  { ...loaderOptions, includeDirs: [repoProtoDir, localProtos] });
const loaded = grpc.loadPackageDefinition(definition);

// protobufjs types for decoding the status details by hand, as a client library would.
const root = new protobuf.Root();
root.resolvePath = (origin, target) => {
  for (const dir of [repoProtoDir, localProtos]) {
    try { readFileSync(join(dir, target)); return join(dir, target); } catch { /* next */ }
  }
  return protobuf.util.path.resolve(origin, target);
};
root.loadSync(['google/rpc/status.proto', 'zorgbrug/v1/validation.proto']);
const StatusType = root.lookupType('google.rpc.Status');
const ValidateResponseType = root.lookupType('zorgbrug.v1.ValidateResponse');

const credentials = grpc.credentials.createSsl(readFileSync(caFile));
// The development certificate names localhost; connecting to an IP literal, verify against that name.
const channelOptions = { 'grpc.ssl_target_name_override': 'localhost' };
const validation = new loaded.zorgbrug.v1.Validation(address, credentials, channelOptions);
const health = new loaded.grpc.health.v1.Health(address, credentials, channelOptions);
const messaging = new loaded.zorgbrug.v1.FhirMessaging(address, credentials, channelOptions);
const destinations = new loaded.zorgbrug.v1.Destinations(address, credentials, channelOptions);

let passed = 0;
let failed = 0;
function check(name, condition, detail = '') {
  if (condition) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL ${name} ${detail}`);
  }
}

function call(client, method, request) {
  const deadline = new Date(Date.now() + 10000);
  return new Promise((resolve) => {
    client[method](request, { deadline }, (error, response) => resolve({ error, response }));
  });
}

// The first delivery of `messageId` on the destination's stream (null after `ms` without it).
function firstDelivery(destination, messageId, ms) {
  return new Promise((resolve) => {
    const stream = destinations.Subscribe({ destination });
    const timer = setTimeout(() => { stream.cancel(); resolve(null); }, ms);
    stream.on('data', (delivery) => {
      if (delivery.messageId !== messageId) return;
      clearTimeout(timer);
      stream.cancel();
      resolve(delivery);
    });
    stream.on('error', () => {});
  });
}

async function checkMessaging() {
  const message = readFileSync(join(repoProtoDir, '..', 'examples', 'fhir-message.json'));
  const request = { bundleJson: message, localKeySystemBase: 'https://epd.az-voorbeeld.example.be/fhir/NamingSystem' };
  const first = await call(messaging, 'ProcessMessage', request);
  check('ProcessMessage ok', first.response?.responseCode === 'ok',
    first.error?.message ?? JSON.stringify(first.response?.issues?.slice(0, 3)));
  check('typed view back', first.response?.bibScreening?.patientLocalKey !== undefined);
  const resend = await call(messaging, 'ProcessMessage', request);
  check('resend gets the same response', resend.response?.responseJson?.equals(first.response?.responseJson));
  const messageId = JSON.parse(message).entry[0].resource.id;
  const delivery = await firstDelivery('bihr', messageId, 5000);
  check('delivered to bihr', delivery !== null);
  if (delivery !== null) {
    check('delivered as received', delivery.messageJson.equals(message));
    const ack = await call(destinations, 'Acknowledge',
      { destination: 'bihr', sequences: [delivery.sequence] });
    check('acknowledged', ack.error === null, ack.error?.message);
    check('not sent again after the acknowledgement',
      (await firstDelivery('bihr', messageId, 800)) === null);
  }
  const notAMessage = await call(messaging, 'ProcessMessage',
    { bundleJson: Buffer.from('{"resourceType":"Patient"}'), localKeySystemBase: 'https://x.example' });
  check('not a message is INVALID_ARGUMENT', notAMessage.error?.code === grpc.status.INVALID_ARGUMENT);
}

async function main() {
  const healthAnswer = await call(health, 'Check', { service: '' });
  check('health SERVING', healthAnswer.response?.status === 'SERVING',
    JSON.stringify(healthAnswer.error?.details ?? healthAnswer.response));

  const patient = Buffer.from(JSON.stringify({
    resourceType: 'Patient', id: 'p1', birthDate: '1990-05-12',
    _birthDate: { extension: [{ url: 'http://example.org/x', valueDecimal: 1.50 }] },
  }));
  const good = await call(validation, 'Validate', { fhirJson: patient });
  check('valid Patient is OK', good.error === null, good.error?.message);
  check('valid Patient is valid', good.response?.valid === true);
  check('resource type echoed', good.response?.resourceType === 'Patient');
  check('OperationOutcome JSON', JSON.parse(good.response?.operationOutcomeJson ?? '{}')
    .resourceType === 'OperationOutcome');

  const broken = Buffer.from('{"resourceType":"Patient","name":[{"given":["An" "Marie"]}]}');
  const bad = await call(validation, 'Validate', { fhirJson: broken });
  check('broken JSON is INVALID_ARGUMENT', bad.error?.code === grpc.status.INVALID_ARGUMENT,
    `${bad.error?.code} ${bad.error?.message}`);
  const [detailsBin] = bad.error?.metadata?.get('grpc-status-details-bin') ?? [];
  check('status details attached', Buffer.isBuffer(detailsBin));
  if (Buffer.isBuffer(detailsBin)) {
    const status = StatusType.decode(detailsBin);
    check('details status code matches', status.code === grpc.status.INVALID_ARGUMENT);
    const any = status.details[0];
    check('detail type URL', any?.type_url === 'type.googleapis.com/zorgbrug.v1.ValidateResponse' ||
      any?.typeUrl === 'type.googleapis.com/zorgbrug.v1.ValidateResponse', JSON.stringify(any));
    const response = ValidateResponseType.decode(any.value);
    check('detail says invalid', response.valid === false);
    check('detail locates the error', response.issues[0]?.expression === 'Patient.name[0].given[1]',
      response.issues[0]?.expression);
  }

  const deep = Buffer.from('{"resourceType":"Patient","extension":' + '['.repeat(500) + ']'.repeat(500) + '}');
  const tooDeep = await call(validation, 'Validate', { fhirJson: deep });
  check('depth limit is RESOURCE_EXHAUSTED', tooDeep.error?.code === grpc.status.RESOURCE_EXHAUSTED,
    tooDeep.error?.message);
  check('depth limit is named', /max_depth/.test(tooDeep.error?.message ?? ''), tooDeep.error?.message);

  const again = await call(validation, 'Validate', { fhirJson: patient });
  check('server still answers after bad input', again.error === null && again.response?.valid === true);

  await checkMessaging();

  validation.close();
  health.close();
  messaging.close();
  destinations.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.log(`FAIL unexpected: ${error}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
