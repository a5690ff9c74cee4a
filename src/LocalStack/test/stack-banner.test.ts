import assert from 'node:assert/strict';
import { formatBanner, type StackStatus } from '../src/stack/stack-status';

const status = (telemetry: StackStatus['telemetry']): StackStatus => ({
  gateway: { url: 'http://127.0.0.1:7070', subscriptionKey: 'k1', secondSubscriptionKey: 'k2', openApi: 'http://127.0.0.1:7070/openapi/patient.json', docs: 'http://127.0.0.1:7070/docs/' },
  patientTests: { url: 'http://127.0.0.1:7071', applicationId: 'a', database: 'patienttests', mongodbUri: 'mongodb://127.0.0.1:27017/' },
  audit: { url: 'http://127.0.0.1:7072', applicationId: 'b', database: 'audit', collection: 'auditrecords', mongodbUri: 'mongodb://127.0.0.1:27017/' },
  identity: { url: 'http://127.0.0.1:7073', tenantId: 't', keyFile: '.local/identity/signing-keys.json' },
  telemetry,
  mongodbUri: 'mongodb://admin:secret@127.0.0.1:27017/',
  embeddedDatabase: 'postgresql',
  startedAt: '2026-12-04T00:00:00.000Z',
});

describe('the start-up banner tells an operator where the signals are', () => {
  it('names the OTLP endpoint the traces go to, and the runbooks', () => {
    const banner = formatBanner(status({ otlpEndpoint: 'http://127.0.0.1:4318', applicationInsights: false }), '.local/stack.json');
    assert.match(banner, /traces \(App Insights in Azure\)\s+OTLP http:\/\/127\.0\.0\.1:4318\n/);
    assert.match(banner, /operations \(docs\/operations\.md\)/);
    assert.match(banner, /logs\s+this console/);
  });

  it('says how to switch telemetry on when it is off', () => {
    const banner = formatBanner(status({ otlpEndpoint: null, applicationInsights: false }), '.local/stack.json');
    assert.match(banner, /traces \(App Insights in Azure\)\s+off: set OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.doesNotMatch(banner, /secret/, 'the database password stays masked');
  });
});
