import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { Agent, get as httpGet, type IncomingHttpHeaders, type Server } from 'node:http';
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { problemTypes } from '@patient-tests/shared/http';
import { keyRingOf } from '../src/http/key-ring';
import { createFunctionsHost } from '../src/host/functions-host';
import { installFunctionsCoreShim, terminateApp, type RegisteredFunction } from '../src/host/functions-core-shim';
import { closeServer, listenOnFreePort } from './fixtures/http-server';

interface Seen { params: Record<string, string>; traceParent: string | undefined; body: string; headers: Record<string, string> }

describe('functions host', () => {
  const seen: Seen[] = [];
  const record = async (request: unknown, context: unknown) => {
    const req = request as HttpRequest;
    const ctx = context as InvocationContext;
    seen.push({ params: { ...req.params }, traceParent: ctx.traceContext?.traceParent, body: await req.text(), headers: Object.fromEntries(req.headers) });
    return { status: 200, jsonBody: { ok: true } };
  };
  const functions: RegisteredFunction[] = [
    { name: 'tests', trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'function', methods: ['GET'], route: 'patient/{patientId:guid}/tests/{testId:guid?}' }, handler: record },
    { name: 'create', trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'function', methods: ['POST'], route: 'patient' }, handler: record },
    { name: 'open', trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'anonymous', methods: ['GET'], route: 'open' }, handler: record },
    { name: 'broken', trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'anonymous', methods: ['GET'], route: 'broken' }, handler: () => { throw new Error('secret detail'); } },
  ];
  const patientId = '0f8fad5b-d9cb-469f-a165-70867728950e';
  let server: Server;
  let base: string;

  const logLines: string[] = [];

  before(async () => {
    server = createFunctionsHost({ functions, routePrefix: 'api', keys: keyRingOf(['the-key']), maxRequestBodyBytes: 64, log: (line) => logLines.push(line) });
    base = await listenOnFreePort(server);
  });
  after(() => closeServer(server));
  beforeEach(() => { seen.length = 0; });

  it('serves a route with its values when the header key is right', async () => {
    const response = await fetch(`${base}/api/patient/${patientId}/tests`, { headers: { 'x-functions-key': 'the-key' } });
    assert.equal(response.status, 200);
    assert.deepEqual(seen[0]?.params, { patientId });
  });

  it('matches literal segments without regard to case, as Azure does, and keeps the case of route values', async () => {
    const upperId = patientId.toUpperCase();
    const response = await fetch(`${base}/API/PATIENT/${upperId}/Tests`, { headers: { 'x-functions-key': 'the-key' } });
    assert.equal(response.status, 200);
    assert.deepEqual(seen[0]?.params, { patientId: upperId });
  });

  it('takes the key from ?code= when no header is sent, and the header wins over it', async () => {
    assert.equal((await fetch(`${base}/api/patient/${patientId}/tests?code=the-key`)).status, 200);
    const headerWins = await fetch(`${base}/api/patient/${patientId}/tests?code=the-key`, { headers: { 'x-functions-key': 'wrong' } });
    assert.equal(headerWins.status, 401);
    // Present but empty, the header is still the key (azure-functions-host's AuthenticationLevelHandler
    // takes the header whenever it is there): anonymous, so 401, whatever ?code= says.
    const emptyHeader = await fetch(`${base}/api/patient/${patientId}/tests?code=the-key`, { headers: { 'x-functions-key': '' } });
    assert.equal(emptyHeader.status, 401);
  });

  it('answers 401 with an empty body without or with a wrong key, before the function runs', async () => {
    for (const headers of [{}, { 'x-functions-key': 'wrong' }] as Record<string, string>[]) {
      const response = await fetch(`${base}/api/patient`, { method: 'POST', headers, body: '{}' });
      assert.equal(response.status, 401);
      assert.equal(await response.text(), '');
    }
    assert.equal(seen.length, 0);
  });

  it('answers 404 for an unknown path, a broken constraint and a wrong method, as Azure does', async () => {
    const key = { 'x-functions-key': 'the-key' };
    assert.equal((await fetch(`${base}/api/nothing`, { headers: key })).status, 404);
    assert.equal((await fetch(`${base}/api/patient/not-a-guid/tests`, { headers: key })).status, 404);
    assert.equal((await fetch(`${base}/api/patient`, { headers: key })).status, 404);
    assert.equal(seen.length, 0);
  });

  it('serves anonymous functions without a key', async () => {
    assert.equal((await fetch(`${base}/api/open`)).status, 200);
  });

  it('answers 413 for a body over the host limit', async () => {
    const response = await fetch(`${base}/api/patient`, { method: 'POST', headers: { 'x-functions-key': 'the-key' }, body: 'x'.repeat(65) });
    assert.equal(response.status, 413);
    assert.equal(seen.length, 0);
  });

  it('continues the caller\'s trace below the host\'s request, or starts a trace', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await fetch(`${base}/api/open`, { headers: { traceparent } });
    await fetch(`${base}/api/open`);
    // Same trace (the operation id), a span id of the host's own, as the Azure Functions host does.
    assert.match(seen[0]?.traceParent ?? '', /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    assert.notEqual(seen[0]?.traceParent, traceparent);
    assert.match(seen[1]?.traceParent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.notEqual(seen[1]?.traceParent, traceparent);
  });

  it('runs the app\'s preInvocation hooks, which may wrap the handler, and its appTerminate hooks', async () => {
    installFunctionsCoreShim();
    // The worker contract as @azure/functions and Azure Monitor's Functions hook use it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the virtual module exists only once the shim is installed
    const core = require('@azure/functions-core') as { registerHook(name: string, callback: (context: Record<string, unknown>) => unknown): { dispose(): void } };
    const wrapped: string[] = [];
    const before = core.registerHook('preInvocation', (hook) => {
      const original = hook.functionCallback as (...args: unknown[]) => unknown;
      hook.functionCallback = (...args: unknown[]) => {
        wrapped.push((hook.invocationContext as InvocationContext).functionName);
        return original(...args);
      };
    });
    let terminated = 0;
    const terminate = core.registerHook('appTerminate', () => { terminated += 1; });
    try {
      assert.equal((await fetch(`${base}/api/open`)).status, 200);
      assert.deepEqual(wrapped, ['open']);
      assert.equal(seen.length, 1, 'the original handler still ran');
      await terminateApp();
      assert.equal(terminated, 1);
    } finally {
      before.dispose();
      terminate.dispose();
    }
  });

  it('logs what a function logs as one JSON object with its invocation and operation id', async () => {
    const logging: RegisteredFunction = {
      name: 'logging',
      trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'anonymous', methods: ['GET'], route: 'logging' },
      handler: (_request: unknown, context: unknown) => {
        (context as InvocationContext).warn('request rejected: validation', { diagnostic: 'fields' });
        return { status: 400 };
      },
    };
    const host = createFunctionsHost({ functions: [logging], routePrefix: 'api', keys: keyRingOf(['k']), maxRequestBodyBytes: 64, log: (line) => logLines.push(line) });
    const url = await listenOnFreePort(host);
    try {
      logLines.length = 0;
      await fetch(`${url}/api/logging`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
      const line = JSON.parse(logLines[0] ?? '{}') as Record<string, unknown>;
      assert.equal(line.level, 'warning');
      assert.equal(line.function, 'logging');
      assert.equal(line.operationId, '4bf92f3577b34da6a3ce929d0e0e4736');
      assert.equal(line.message, 'request rejected: validation');
      assert.equal(line.diagnostic, 'fields');
      assert.match(String(line.invocationId), /^[0-9a-f-]{36}$/);
    } finally {
      await closeServer(host);
    }
  });

  it('when drained, finishes the request in flight, refuses new ones on a kept-alive connection with 503 and Retry-After, then closes', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const slow: RegisteredFunction = {
      name: 'slow',
      trigger: { name: 'req', type: 'httpTrigger', direction: 'in', authLevel: 'anonymous', methods: ['GET'], route: 'slow/{wait}' },
      handler: async (request: unknown) => {
        if ((request as HttpRequest).params.wait === 'yes') await held;
        return { status: 200, body: 'done' };
      },
    };
    const host = createFunctionsHost({ functions: [slow], routePrefix: 'api', keys: keyRingOf(['k']), maxRequestBodyBytes: 64, log: () => undefined });
    const url = new URL(await listenOnFreePort(host));
    const agent = new Agent({ keepAlive: true });
    const get = (path: string, via: Agent | false = agent) => new Promise<{ status: number; headers: IncomingHttpHeaders; body: string; reused: boolean }>((resolve, reject) => {
      const request = httpGet({ host: url.hostname, port: url.port, path, agent: via, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }, (answer) => {
        let body = '';
        answer.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => {
          resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body, reused: request.reusedSocket });
        });
      });
      request.on('error', reject);
    });
    try {
      assert.equal((await get('/api/slow/no')).status, 200, 'leaves an idle kept-alive connection');
      const inFlight = get('/api/slow/yes', false);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = once(host, 'close');
      const drained = host.drain();

      const refused = await get('/api/slow/no');
      assert.equal(refused.reused, true, 'sent on the connection kept alive before the drain');
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(refused.headers.connection, 'close');
      assert.deepEqual(JSON.parse(refused.body), {
        ...problemTypes.serviceUnavailable,
        detail: 'The API is stopping; retry after the time in Retry-After.',
        operationId: '4bf92f3577b34da6a3ce929d0e0e4736',
      });

      release();
      const finished = await inFlight;
      assert.deepEqual([finished.status, finished.body], [200, 'done']);
      await drained;
      await closed;
    } finally {
      agent.destroy();
      if (host.listening) await closeServer(host);
    }
  });

  it('loads no database driver: the app\'s telemetry must be the first to load it, to trace its calls', () => {
    const probe = `require(${JSON.stringify(require.resolve('../src/host/functions-host'))});
      process.stdout.write(String(Object.keys(require.cache).filter((file) => file.includes('/node_modules/mongodb/')).length));`;
    assert.equal(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }), '0');
  });

  it('answers an exception with 500 and an empty body', async () => {
    const response = await fetch(`${base}/api/broken`);
    assert.equal(response.status, 500);
    assert.equal(await response.text(), '');
  });
});
