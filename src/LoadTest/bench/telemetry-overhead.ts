import { once } from 'node:events';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { measureApi, type ApiResult } from './api-load';
import { startStackProcess, type StackProcess } from './stack-process';
import { memberCpuSeconds, stackMembers } from './stack-members';

/** CPU the stack's processes spent per answered request, in milliseconds: the cost that does not depend on how busy the machine is. */
export interface CpuPerRequest {
  readonly totalMs: number;
  /** By process: gateway, both hosts, FerretDB, PostgreSQL. */
  readonly byProcess: Readonly<Record<string, number>>;
}

export interface ModeSummary {
  /** Median over the rounds of create-patient requests per second. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  /** Over all rounds: CPU seconds of the stack's processes divided by the requests they answered. */
  readonly cpu: CpuPerRequest;
  readonly runs: readonly ApiResult[];
}

export interface TelemetryOverhead {
  readonly rounds: number;
  readonly off: ModeSummary;
  readonly on: ModeSummary;
  /** Throughput on / off: 1 means no measurable cost; on a shared machine this moves with the neighbours. */
  readonly ratio: number;
  /** CPU per request off / on: the share of throughput a saturated machine keeps with telemetry on. */
  readonly cpuRatio: number;
  /** OTLP export requests the sink received from the three processes, proof that spans were really sent. */
  readonly exportRequests: number;
  readonly exportBytes: number;
}

export interface OverheadLoad {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly rounds: number;
  readonly mongodbUri: string | undefined;
}

/**
 * Two stacks side by side, identical but for telemetry: one exports every span (gateway, both apps,
 * both databases) over OTLP to a sink in this process, the other has telemetry off. They are measured
 * in alternating rounds, so drift on a shared machine falls on both alike, and medians are compared.
 * Beside throughput it counts the CPU time every process of each stack spends per request (from /proc):
 * when the machine is saturated, throughput is the cores divided by that cost, and unlike throughput it
 * hardly moves when other work shares the machine.
 */
export async function measureTelemetryOverhead(load: OverheadLoad): Promise<TelemetryOverhead> {
  let exportRequests = 0;
  let exportBytes = 0;
  // Counts and discards: parsing here would take CPU from the load generator.
  const sink = createServer((req, res) => {
    exportRequests += 1;
    req.on('data', (chunk: Buffer) => { exportBytes += chunk.length; });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const address = sink.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const stacks: StackProcess[] = [];
  const names = { off: databaseNames(load.mongodbUri, 'off'), on: databaseNames(load.mongodbUri, 'on') };
  try {
    const off = await startStackProcess(load.mongodbUri, names.off);
    stacks.push(off);
    const on = await startStackProcess(load.mongodbUri, { ...names.on, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    stacks.push(on);
    // One request each before measuring: the first connects to the database and creates the indexes.
    for (const stack of [off, on]) {
      await fetch(`${stack.status.gateway.url}/patient`, { method: 'POST', headers: { 'ocp-apim-subscription-key': stack.status.gateway.subscriptionKey, 'content-type': 'application/json' }, body: patientBody });
    }
    const runs = { off: [] as ApiResult[], on: [] as ApiResult[] };
    const cpuSeconds = { off: {} as Record<string, number>, on: {} as Record<string, number> };
    // What each process spends with no request at all (timers, PostgreSQL's autovacuum every second) is
    // not a cost of telemetry, and would weigh more per request on the slower stack: measured, then taken off.
    const idle = { off: await idleCpuPerSecond(off), on: await idleCpuPerSecond(on) };
    for (let round = 0; round < load.rounds; round += 1) {
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const mode of order) {
        const stack = mode === 'on' ? on : off;
        const headers = { 'ocp-apim-subscription-key': stack.status.gateway.subscriptionKey, 'content-type': 'application/json' };
        const members = stackMembers(stack.pid);
        const before = members.map(memberCpuSeconds);
        const started = performance.now();
        runs[mode].push(await measureApi({ url: `${stack.status.gateway.url}/patient`, method: 'POST', headers, body: patientBody, connections: load.connections, durationSeconds: load.durationSeconds }));
        const seconds = (performance.now() - started) / 1000;
        members.forEach((member, index) => {
          const spent = memberCpuSeconds(member) - (before[index] ?? 0) - (idle[mode][member.role] ?? 0) * seconds;
          cpuSeconds[mode][member.role] = (cpuSeconds[mode][member.role] ?? 0) + spent;
        });
      }
    }
    const summary = (results: ApiResult[], spent: Record<string, number>): ModeSummary => {
      const requests = results.reduce((sum, run) => sum + run.requests, 0);
      const byProcess = Object.fromEntries(Object.entries(spent).map(([role, seconds]) => [role, (seconds * 1000) / Math.max(requests, 1)]));
      const cpu = { totalMs: Object.values(byProcess).reduce((sum, ms) => sum + ms, 0), byProcess };
      return { requestsPerSecond: median(results.map((run) => run.requestsPerSecond)), p50Ms: median(results.map((run) => run.p50Ms)), cpu, runs: results };
    };
    const result = { rounds: load.rounds, off: summary(runs.off, cpuSeconds.off), on: summary(runs.on, cpuSeconds.on) };
    // The last batches leave when the stacks stop (each process flushes on the way out).
    for (const stack of stacks.splice(0)) await stack.stop();
    return { ...result, ratio: result.on.requestsPerSecond / result.off.requestsPerSecond, cpuRatio: result.off.cpu.totalMs / result.on.cpu.totalMs, exportRequests, exportBytes };
  } finally {
    for (const stack of stacks) await stack.stop();
    sink.close();
    if (load.mongodbUri !== undefined) await dropDatabases(load.mongodbUri, [...Object.values(names.off), ...Object.values(names.on)]);
  }
}

/** CPU seconds per second each process of a stack spends while no request arrives. */
async function idleCpuPerSecond(stack: StackProcess, seconds = 5): Promise<Record<string, number>> {
  const members = stackMembers(stack.pid);
  const before = members.map(memberCpuSeconds);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return Object.fromEntries(members.map((member, index) => [member.role, (memberCpuSeconds(member) - (before[index] ?? 0)) / seconds]));
}

async function dropDatabases(uri: string, databases: string[]): Promise<void> {
  const client = new MongoClient(uri);
  try {
    for (const database of databases) await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

const patientBody = JSON.stringify({ firstName: 'BENCH', lastName: 'LT_BENCH', gender: 'other', dateOfBirth: '1984-07-21', postCode: '2000' });

/** With a shared MONGODB_URI, each stack needs databases of its own; the embedded FerretDB is per stack. */
function databaseNames(mongodbUri: string | undefined, mode: string): Record<string, string> {
  if (mongodbUri === undefined) return {};
  const suffix = `${mode}_${randomBytes(4).toString('hex')}`;
  return { PATIENT_TESTS_DATABASE_NAME: `bench_patients_${suffix}`, AUDIT_DATABASE_NAME: `bench_audit_${suffix}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
