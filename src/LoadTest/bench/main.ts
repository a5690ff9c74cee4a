// `npm run bench [-- --duration 10 --connections 16]`: a benchmark, never part of the test suite.
// In one run, at the same concurrency and duration: the database ceiling (raw driver calls), the API
// through the gateway (create and load patient), and the ratio between them; then the cost of telemetry:
// create patient on two stacks, one exporting every span over OTLP and one without, in alternating rounds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from '@patient-tests/local-stack';
import { measureApi, type ApiResult } from './api-load';
import { measureDatabaseCeiling } from './database-ceiling';
import { startStackProcess } from './stack-process';
import { measureTelemetryOverhead, type TelemetryOverhead } from './telemetry-overhead';
import { measureReadScaling, type ReadAtSize } from './read-scaling';
import { measureEntryLoads, type EntryLoad } from './entry-load';
import { measurePackageSizes } from './package-sizes';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'json-dir': { type: 'string' },
    'telemetry-rounds': { type: 'string', default: '3' },
    // Stored patients at which load patient is measured again (the collection is filled in between).
    'read-sizes': { type: 'string', default: '1000,10000,50000' },
    'entry-runs': { type: 'string', default: '7' },
    // Packaging runs npm install in a staging folder (a minute); the smoke test skips it.
    'skip-packages': { type: 'boolean', default: false },
    // Far more concurrent clients than the machine serves: the gateway must refuse the excess fast.
    'overload-connections': { type: 'string', default: '256' },
  },
});
const readSizes = values['read-sizes'].split(',').map((size) => positive('read-sizes', size));
const entryRuns = positive('entry-runs', values['entry-runs']);
const overloadConnections = positive('overload-connections', values['overload-connections']);
const durationSeconds = positive('duration', values.duration);
const connections = positive('connections', values.connections);
const telemetryRounds = positive('telemetry-rounds', values['telemetry-rounds']);

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number of at least 1`);
  return number;
}

async function main(): Promise<void> {
  const givenMongodbUri = process.env.MONGODB_URI || undefined;
  const stack = await startStackProcess(givenMongodbUri);
  let stopped = false;
  try {
    const { gateway, mongodbUri } = stack.status;
    const headers = { 'ocp-apim-subscription-key': gateway.subscriptionKey, 'content-type': 'application/json' };
    const patient = JSON.stringify({ firstName: 'BENCH', lastName: 'LT_BENCH', gender: 'other', dateOfBirth: '1984-07-21', postCode: '2000' });
    const seeded = await fetch(`${gateway.url}/patient`, { method: 'POST', headers, body: patient });
    const { id } = (await seeded.json()) as { id: string };

    // Load patient at growing sizes first, from the one patient stored so far (the phases below add more).
    const reads = await measureReadScaling({ mongodbUri, database: stack.status.patientTests.database, gatewayUrl: gateway.url, headers, connections, durationSeconds, sizes: readSizes });
    // Order matters: the create phase adds to the patients collection that both reads then see.
    const base = { headers, connections, durationSeconds };
    const create = await measureApi({ ...base, url: `${gateway.url}/patient`, method: 'POST', body: patient });
    const patients = { database: stack.status.patientTests.database, collection: 'patients' };
    const ceiling = await measureDatabaseCeiling(mongodbUri, patients, connections, durationSeconds * 1000);
    const randomPatientPath = () => `/patient/${ceiling.readIds[Math.floor(Math.random() * ceiling.readIds.length)] ?? id}`;
    const load = await measureApi({ ...base, url: `${gateway.url}/patient/${id}`, method: 'GET', nextPath: randomPatientPath });
    const halfRate = Math.max(1, Math.floor(create.requestsPerSecond / 2));
    const createAtHalf = await measureApi({ ...base, url: `${gateway.url}/patient`, method: 'POST', body: patient, overallRate: halfRate });
    const overload = await measureApi({ ...base, connections: overloadConnections, url: `${gateway.url}/patient`, method: 'POST', body: patient });

    // Database operations per request: create = audit insert + patient insert; load = audit insert + findOne.
    const createCeiling = ceiling.insertsPerSecond / 2;
    const loadCeiling = 1 / (1 / ceiling.insertsPerSecond + 1 / ceiling.findsPerSecond);
    await stack.stop();
    stopped = true;
    const telemetry = await measureTelemetryOverhead({ connections, durationSeconds, rounds: telemetryRounds, mongodbUri: givenMongodbUri });
    const root = repositoryRoot();
    const entryLoads = measureEntryLoads(root, entryRuns);
    const packages = values['skip-packages'] ? [] : measurePackageSizes(root);

    const report = {
      measuredAt: new Date().toISOString(),
      durationSeconds,
      connections,
      database: stack.status.embeddedDatabase === false ? 'MONGODB_URI' : `embedded FerretDB (${stack.status.embeddedDatabase})`,
      ceiling: { insertsPerSecond: ceiling.insertsPerSecond, findsPerSecond: ceiling.findsPerSecond, patientsRead: ceiling.readIds.length },
      api: { createPatient: create, loadPatient: load, createPatientAtHalfRate: { ...createAtHalf, targetRate: halfRate } },
      ratio: {
        createPatient: create.requestsPerSecond / createCeiling,
        loadPatient: load.requestsPerSecond / loadCeiling,
      },
      telemetry,
      overload: { ...overload, connections: overloadConnections },
      readScaling: reads,
      entryLoads,
      packages,
    };
    printTable(report.ceiling, { create, load, createAtHalf }, report.ratio, halfRate);
    printOverload(overload, overloadConnections);
    printReads(reads);
    printTelemetry(telemetry);
    printColdStart(entryLoads, packages);
    const folder = values['json-dir'] ?? join(repositoryRoot(), '.local', 'bench');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `bench-${report.measuredAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nJSON: ${file}\n`);
    const telemetryUnexpected = [...telemetry.on.runs, ...telemetry.off.runs].reduce((sum, run) => sum + run.unexpected, 0);
    const readsUnexpected = reads.reduce((sum, run) => sum + run.unexpected, 0);
    if (create.unexpected + load.unexpected + createAtHalf.unexpected + telemetryUnexpected + readsUnexpected > 0) process.exitCode = 1;
  } finally {
    if (!stopped) await stack.stop();
  }
}

function printOverload(overload: ApiResult, clients: number): void {
  const counts = Object.entries(overload.statusCounts).map(([status, count]) => `${status}: ${count}`).join(', ');
  const lines = [
    '',
    `Overload: create patient with ${clients} concurrent clients (the gateway admits a bounded number, refuses the rest with 503 + Retry-After)`,
    `  ${overload.requestsPerSecond.toFixed(0)} answers per s, p50 ${overload.p50Ms.toFixed(0)} ms, p99 ${overload.p99Ms.toFixed(0)} ms (all answers); ${counts}; connection errors ${overload.errors}, timeouts ${overload.timeouts}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printReads(reads: readonly ReadAtSize[]): void {
  const first = reads[0];
  const last = reads[reads.length - 1];
  const lines = [
    '',
    'Load patient as the data grows (GET /patient/{id}, random ids of all stored patients)',
    ...reads.map((read) => `  ${String(read.storedPatients).padStart(7)} stored patients: ${read.requestsPerSecond.toFixed(0).padStart(6)} per s, p50 ${read.p50Ms.toFixed(0)} ms, p99 ${read.p99Ms.toFixed(0)} ms, unexpected ${read.unexpected}`),
    first && last ? `  throughput at ${last.storedPatients} ÷ at ${first.storedPatients}: ${(last.requestsPerSecond / first.requestsPerSecond).toFixed(2)}` : '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printColdStart(entryLoads: readonly EntryLoad[], packages: readonly { app: string; zipKiB: number }[]): void {
  const bare = entryLoads[0];
  const lines = [
    '',
    `Cold start: require of each entry file in a fresh process (telemetry off), median of ${bare?.runs ?? 0} runs`,
    ...entryLoads.map((entry) => `  ${entry.app.padEnd(28)} ${entry.loadMs.toFixed(0).padStart(5)} ms ${entry.rssMiB.toFixed(0).padStart(5)} MiB${bare && entry !== bare ? `  (${(entry.loadMs / bare.loadMs).toFixed(1)} × the bare app)` : ''}`),
    ...packages.map((item) => `  deployment zip ${item.app.padEnd(16)} ${(item.zipKiB / 1024).toFixed(1)} MiB`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printTelemetry(telemetry: TelemetryOverhead): void {
  const lines = [
    '',
    `Telemetry overhead: create patient, ${telemetry.rounds} alternating round(s) per mode, medians`,
    `  off: ${telemetry.off.requestsPerSecond.toFixed(0)} per s, p50 ${telemetry.off.p50Ms.toFixed(0)} ms`,
    `  on (OTLP, every span): ${telemetry.on.requestsPerSecond.toFixed(0)} per s, p50 ${telemetry.on.p50Ms.toFixed(0)} ms`,
    `  ratio on/off: ${telemetry.ratio.toFixed(2)}; ${telemetry.exportRequests} export requests, ${(telemetry.exportBytes / 1024).toFixed(0)} KiB of spans received`,
    `  CPU per create, all processes: off ${telemetry.off.cpu.totalMs.toFixed(2)} ms, on ${telemetry.on.cpu.totalMs.toFixed(2)} ms; off/on ${telemetry.cpuRatio.toFixed(2)} (the throughput a saturated machine keeps)`,
    ...Object.keys(telemetry.off.cpu.byProcess).map((role) => `    ${role.padEnd(28)} off ${(telemetry.off.cpu.byProcess[role] ?? 0).toFixed(2).padStart(6)} ms, on ${(telemetry.on.cpu.byProcess[role] ?? 0).toFixed(2).padStart(6)} ms`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printTable(
  ceiling: { insertsPerSecond: number; findsPerSecond: number },
  api: { create: ApiResult; load: ApiResult; createAtHalf: ApiResult },
  ratio: { createPatient: number; loadPatient: number },
  halfRate: number,
): void {
  const row = (label: string, perSecond: number, p50 = '', p99 = '', extra = '') =>
    `${label.padEnd(44)} ${perSecond.toFixed(0).padStart(8)} ${p50.padStart(7)} ${p99.padStart(7)}  ${extra}`;
  const ms = (value: number) => value.toFixed(0);
  const lines = [
    `Benchmark: ${connections} connections, ${durationSeconds} s per measurement`,
    '',
    `${'measurement'.padEnd(44)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`,
    row('database ceiling: insertOne', ceiling.insertsPerSecond),
    row('database ceiling: findOne', ceiling.findsPerSecond),
    row('API: create patient', api.create.requestsPerSecond, ms(api.create.p50Ms), ms(api.create.p99Ms), `unexpected ${api.create.unexpected}`),
    row('API: load patient', api.load.requestsPerSecond, ms(api.load.p50Ms), ms(api.load.p99Ms), `unexpected ${api.load.unexpected}`),
    row(`API: create patient at half rate (${halfRate}/s)`, api.createAtHalf.requestsPerSecond, ms(api.createAtHalf.p50Ms), ms(api.createAtHalf.p99Ms), `unexpected ${api.createAtHalf.unexpected}`),
    '',
    `ratio, create patient: ${ratio.createPatient.toFixed(2)} of the database-bound ceiling (2 inserts per request)`,
    `ratio, load patient:   ${ratio.loadPatient.toFixed(2)} of the database-bound ceiling (1 insert + 1 findOne per request)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
