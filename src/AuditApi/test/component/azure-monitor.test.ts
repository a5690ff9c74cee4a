import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { auditAppSettings, localIdentities, repositoryRoot, startFunctionHost, startStackIdentity, testMongoUri, uniqueDatabaseName, type FunctionHostProcess, type StackIdentity } from '@patient-tests/local-stack';
import { MongoClient } from 'mongodb';

const appDirectory = join(__dirname, '..', '..', '..');

interface Envelope { name: string; tags?: Record<string, string>; data?: { baseType?: string; baseData?: Record<string, unknown> } }

/**
 * Stands in for App Insights' ingestion endpoint (the `IngestionEndpoint` of a connection string). The
 * exporter speaks HTTPS whatever the scheme says, so this one has a certificate made for the run,
 * which the app trusts through NODE_EXTRA_CA_CERTS.
 */
async function startIngestion(directory: string): Promise<{ server: Server; url: string; certificate: string; envelopes: Envelope[]; paths: string[] }> {
  const envelopes: Envelope[] = [];
  const paths: string[] = [];
  const certificate = join(directory, 'ingestion.crt');
  const key = join(directory, 'ingestion.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', certificate], { stdio: 'ignore' });
  const server = createServer({ cert: readFileSync(certificate), key: readFileSync(key) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(req.url ?? '');
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const parsed = JSON.parse(text) as Envelope | Envelope[];
      envelopes.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, url: `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, certificate, envelopes, paths };
}

describe('Audit API with an App Insights connection string (Azure Monitor distribution)', () => {
  const databaseName = uniqueDatabaseName('audit_ai');
  const directory = mkdtempSync(join(tmpdir(), 'patient-tests-ingestion-'));
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let host: FunctionHostProcess;
  let identity: StackIdentity;

  before(async () => {
    ingestion = await startIngestion(directory);
    identity = await startStackIdentity({ root: repositoryRoot(), stateDirectory: directory, port: 0 });
    host = await startFunctionHost({
      appDirectory,
      port: 0,
      settings: {
        ...auditAppSettings({ mongodbUri: testMongoUri(), databaseName, collectionName: 'auditrecords', identity: identity.identityFor('audit') }),
        MONGODB_CREATE_INDEXES: 'false',
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${ingestion.url}`,
        NODE_EXTRA_CA_CERTS: ingestion.certificate,
      },
      log: () => undefined,
    });
  });
  after(async () => {
    const client = new MongoClient(testMongoUri());
    await client.db(databaseName).dropDatabase();
    await client.close();
    ingestion.server.close();
    await identity.service.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('starts, serves, and sends the request and its database call under the caller\'s operation id', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const token = (await identity.service.tokens.issue(localIdentities.patientTests, 'audit', 600)).token;
    const response = await fetch(`${host.url}/api/auditrecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ sourceSystemName: 'PatientTestsApi', actor: { id: 'entra-principal/6eaeb0ac-199c-4753-a5cc-b1c44d89ec67', kind: 'entra-principal' }, resource: { type: 'patient', id: 'p-1', operation: 'read' } }),
    });
    assert.equal(response.status, 201);
    // Stopping runs the app's appTerminate hook, which flushes what Azure Monitor still holds.
    await host.stop();

    const ofTrace = ingestion.envelopes.filter((envelope) => envelope.tags?.['ai.operation.id'] === traceId);
    const request = ofTrace.find((envelope) => envelope.data?.baseType === 'RequestData');
    const dependency = ofTrace.find((envelope) => envelope.data?.baseType === 'RemoteDependencyData' && envelope.data.baseData?.type === 'mongodb');
    assert.ok(request, `no request telemetry for the trace; received ${ingestion.envelopes.map((envelope) => envelope.data?.baseType ?? envelope.name).join(', ')}`);
    assert.equal(request.data?.baseData?.name, 'POST auditrecord');
    assert.equal(request.tags?.['ai.cloud.role'], 'audit-api');
    assert.ok(dependency, 'the insert is a dependency of the same operation');
    assert.equal(dependency.tags?.['ai.operation.parentId'], request.data.baseData.id);
    assert.deepEqual([...new Set(ingestion.paths)], ['/v2.1/track'], 'only the ingestion endpoint was called');
  });
});
