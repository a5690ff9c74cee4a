import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { OtlpReceiver, testMongoUri, type ReceivedSpan } from '@patient-tests/local-stack';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

const server = 2;
const client = 3;

interface PatientJson { id: string; [member: string]: unknown }

/** The spans of one trace, with lookups that fail with the whole trace in the message. */
class Trace {
  constructor(readonly traceId: string, readonly spans: readonly ReceivedSpan[]) {}

  one(service: string, name: string, kind?: number): ReceivedSpan {
    const found = this.spans.filter((span) => span.service === service && span.name === name && (kind === undefined || span.kind === kind));
    assert.equal(found.length, 1, `expected one ${service} span "${name}" (kind ${kind ?? 'any'}); trace: ${this.describe()}`);
    return found[0]!;
  }

  childrenOf(parent: ReceivedSpan): ReceivedSpan[] {
    return this.spans.filter((span) => span.parentSpanId === parent.spanId);
  }

  describe(): string {
    return this.spans.map((span) => `${span.service}:${span.name}(${span.spanId}<-${span.parentSpanId ?? 'root'})`).join(', ');
  }
}

describe('Distributed telemetry: one trace from the gateway to both databases', () => {
  let api: TestStack;
  let receiver: OtlpReceiver;

  before(async () => {
    receiver = await OtlpReceiver.start();
    api = await TestStack.start({ telemetry: { otlpEndpoint: receiver.endpoint, exportDelayMs: 50 } });
  });
  after(async () => {
    await api.stop();
    await receiver.close();
  });
  beforeEach(() => { receiver.clear(); });

  /** Waits until the trace holds both database writes or reads the request causes, then returns it. */
  async function traceWith(traceId: string | (() => string | undefined), complete: (trace: Trace) => boolean): Promise<Trace> {
    const idOf = () => (typeof traceId === 'string' ? traceId : traceId());
    await receiver.waitFor((spans) => {
      const id = idOf();
      return id !== undefined && complete(new Trace(id, spans.filter((span) => span.traceId === id)));
    });
    const id = idOf()!;
    return new Trace(id, receiver.spans.filter((span) => span.traceId === id));
  }

  const hasSpan = (service: string, name: string, kind?: number) => (trace: Trace) =>
    trace.spans.some((span) => span.service === service && span.name === name && (kind === undefined || span.kind === kind));
  const all = (...checks: ((trace: Trace) => boolean)[]) => (trace: Trace) => checks.every((check) => check(trace));

  it('continues the caller\'s trace through the gateway, both apps and both databases, each span under its cause', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const response = await api.call('/', { method: 'POST', body: aPatientBody(), headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
    assert.equal(response.status, 201);
    const patient = (await response.json()) as PatientJson;

    // Each process exports its spans on its own schedule: wait for every span the assertions name.
    const trace = await traceWith(traceId, all(
      hasSpan('api-gateway', 'POST /patient', server), hasSpan('api-gateway', 'POST /patient', client), hasSpan('patient-tests-api', 'POST patient', server),
      hasSpan('patient-tests-api', 'POST auditrecord', client), hasSpan('audit-api', 'POST auditrecord', server),
      hasSpan('audit-api', 'insert auditrecords'), hasSpan('patient-tests-api', 'insert patients'),
    ));

    const gatewayRequest = trace.one('api-gateway', 'POST /patient', server);
    const gatewayCall = trace.one('api-gateway', 'POST /patient', client);
    const patientRequest = trace.one('patient-tests-api', 'POST patient', server);
    const auditCall = trace.one('patient-tests-api', 'POST auditrecord', client);
    const auditRequest = trace.one('audit-api', 'POST auditrecord', server);
    const auditInsert = trace.one('audit-api', 'insert auditrecords');
    const patientInsert = trace.one('patient-tests-api', 'insert patients');

    assert.equal(gatewayRequest.parentSpanId, callerSpanId, 'the gateway request hangs below the caller');
    assert.equal(gatewayCall.parentSpanId, gatewayRequest.spanId);
    assert.equal(patientRequest.parentSpanId, gatewayCall.spanId);
    assert.equal(auditCall.parentSpanId, patientRequest.spanId);
    assert.equal(auditRequest.parentSpanId, auditCall.spanId);
    assert.equal(auditInsert.parentSpanId, auditRequest.spanId);
    assert.equal(patientInsert.parentSpanId, patientRequest.spanId);
    assert.ok(auditCall.attributes['http.response.status_code'] === 201);
    assert.ok(patientRequest.attributes['http.response.status_code'] === 201);

    // Every span's parent is a span of this trace (or the caller's): no links to spans that never existed.
    const known = new Set([callerSpanId, ...trace.spans.map((span) => span.spanId)]);
    for (const span of trace.spans) assert.ok(span.parentSpanId !== undefined && known.has(span.parentSpanId), `orphan: ${span.service}:${span.name} in ${trace.describe()}`);

    // The audit register carries the same operation id.
    const audit = await api.audits.findOne({ correlationId: traceId });
    assert.deepEqual(audit?.resource, { type: 'patient', id: patient.id, operation: 'create' });
  });

  it('starts one complete trace at the gateway when the caller sends no traceparent', async () => {
    const created = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    receiver.clear();
    const response = await api.call(`/${created.id}`);
    assert.equal(response.status, 200);

    const rootOf = () => receiver.spans.find((span) => span.service === 'api-gateway' && span.kind === server && span.name === 'GET /patient/{patientId}')?.traceId;
    const trace = await traceWith(rootOf, all(
      hasSpan('audit-api', 'insert auditrecords'), hasSpan('audit-api', 'POST auditrecord', server), hasSpan('patient-tests-api', 'find patientversions'),
      hasSpan('patient-tests-api', 'POST auditrecord', client), hasSpan('patient-tests-api', 'GET patient/{patientId}', server),
      hasSpan('api-gateway', 'GET /patient/{patientId}', client),
    ));

    const gatewayRequest = trace.one('api-gateway', 'GET /patient/{patientId}', server);
    assert.equal(gatewayRequest.parentSpanId, undefined, 'the gateway starts the trace');
    const patientRequest = trace.one('patient-tests-api', 'GET patient/{patientId}', server);
    assert.equal(patientRequest.parentSpanId, trace.one('api-gateway', 'GET /patient/{patientId}', client).spanId);
    assert.equal(trace.one('patient-tests-api', 'find patientversions').parentSpanId, patientRequest.spanId);
    assert.equal(trace.one('audit-api', 'POST auditrecord', server).parentSpanId, trace.one('patient-tests-api', 'POST auditrecord', client).spanId);
    const audit = await api.audits.findOne({ correlationId: trace.traceId });
    assert.deepEqual(audit?.resource, { type: 'patient', id: created.id, operation: 'read' });
  });

  it('names spans by route template, never by a path with ids, and gives each process its own role', async () => {
    const created = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    const test = await api.call(`/${created.id}/tests`, { method: 'POST', body: aTestBody(created.id) });
    assert.equal(test.status, 201);
    await receiver.waitFor((spans) => spans.some((span) => span.service === 'patient-tests-api' && span.name === 'insert tests'));
    await receiver.waitFor((spans) => spans.some((span) => span.service === 'api-gateway' && span.name === 'POST /patient/{patientId}/tests' && span.kind === server));

    for (const span of receiver.spans) assert.ok(!span.name.includes(created.id), `span "${span.name}" carries an id`);
    assert.deepEqual([...new Set(receiver.spans.map((span) => span.service))].sort(), ['api-gateway', 'audit-api', 'patient-tests-api']);
    assert.ok(receiver.spans.some((span) => span.name === 'POST patient/{patientId}/tests' && span.kind === server));
  });

  it('exports no patient data and no credential: no names, numbers, keys or connection string in any span, event or log line', async () => {
    const secret = {
      firstName: `Xanthe${letters(6)}`,
      lastName: `Quorvath${letters(6)}`,
      preferredContactNumber: `+44 7700 ${randomInt(100_000, 999_999)}`,
      insuranceNumber: `INS${randomInt(1_000_000_000, 9_999_999_999)}`,
    };
    const secrets = Object.values(secret);
    const body = aPatientBody({ ...secret, fullName: `${secret.firstName} ${secret.lastName}` });

    const created = await api.call('/', { method: 'POST', body });
    assert.equal(created.status, 201);
    const patient = (await created.json()) as PatientJson;
    const steps: [string, Response][] = [
      ['load', await api.call(`/${patient.id}`)],
      ['update', await api.call(`/${patient.id}`, { method: 'PUT', body: { ...body, id: patient.id, postCode: '1234' } })],
      ['search by name', await api.call('/search', { method: 'POST', body: { firstName: secret.firstName, lastName: secret.lastName } })],
      ['search by numbers', await api.call('/search', { method: 'POST', body: { insuranceNumber: secret.insuranceNumber, preferredContactNumber: secret.preferredContactNumber } })],
      ['create test', await api.call(`/${patient.id}/tests`, { method: 'POST', body: aTestBody(patient.id) })],
      ['list tests', await api.call(`/${patient.id}/tests`)],
      ['rejected update', await api.call(`/${patient.id}`, { method: 'PUT', body: { ...body, id: patient.id, gender: secret.lastName } })],
      ['rejected search', await api.call('/search', { method: 'POST', body: { lastName: secret.lastName, unknownMember: secret.firstName } })],
    ];
    const found = await (await api.call('/search', { method: 'POST', body: { lastName: secret.lastName } })).json() as PatientJson[];
    assert.equal(found.length, 1, 'the search found the seeded patient, so the criteria really reached the database');
    for (const [step, response] of steps) assert.ok(response.status < 500, `${step} answered ${response.status}`);
    assert.ok(steps.some(([, response]) => response.status === 400), 'rejections were exercised too');

    // Flushed: the last request's database read has arrived, and the batch before it with it.
    await receiver.waitFor((spans) => spans.filter((span) => span.service === 'patient-tests-api' && span.name === 'find patients').length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(receiver.spans.some((span) => typeof span.attributes['db.query.text'] === 'string'), 'database statements are exported, as shapes');

    const exported = receiver.rawBodies.join('\n');
    const logged = api.logLines.join('\n');
    assert.ok(api.logLines.length > 0, 'the processes did log');
    const credentials = [api.subscriptionKey, testMongoUri()];
    for (const value of [...secrets, ...credentials]) {
      assert.ok(!exported.includes(value), `exported telemetry contains ${value}`);
      assert.ok(!logged.includes(value), `a log line contains ${value}`);
    }
    // The tokens between gateway, PatientTests and Audit: none of them, nor any part of one, anywhere.
    for (const [where, text] of [['exported telemetry', exported], ['the logs', logged]] as const) {
      assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/, `${where} carry an access token`);
      assert.doesNotMatch(text, /bearer [A-Za-z0-9_-]{20,}/i, `${where} carry an Authorization header`);
    }
  });
});

function letters(count: number): string {
  return Array.from({ length: count }, () => String.fromCharCode(97 + randomInt(26))).join('');
}
