import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repositoryRoot } from './repository-root';

type Settings = Record<string, string>;
interface AppSettingsModule {
  auditAppSettings: (app: { mongodbUri: string; databaseName: string; collectionName: string; telemetry?: { otlpEndpoint?: string } }) => Settings;
  patientTestsAppSettings: (app: { mongodbUri: string; databaseName: string; auditApiUrl: string; keys: Record<string, string>; telemetry?: { otlpEndpoint?: string } }) => Settings;
}
type LoadConfig = (environment: Settings) => unknown;

/** Compiled modules of three workspaces, loaded by path: this test binds them and belongs to none of them. */
function compiled(workspace: string, module: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled module of another workspace, by path
  return require(join(repositoryRoot, 'src', workspace, 'dist', 'src', module));
}

const keys = {
  gatewaySubscriptionKey: 'g'.repeat(32),
  secondSubscriptionKey: 's'.repeat(32),
  auditFunctionKey: 'a'.repeat(32),
  patientTestsFunctionKey: 'p'.repeat(32),
  gatewayFunctionKey: 'k'.repeat(32),
};

/** The settings the local stack hands each app must be ones the app's own config.ts decodes, to what the stack meant. */
describe('the local stack\'s app settings follow the apps\' config.ts', () => {
  const { auditAppSettings, patientTestsAppSettings } = compiled('LocalStack', 'stack/app-settings.js') as AppSettingsModule;

  it('Audit API: its database, collection and local index creation', () => {
    const { loadAuditConfig } = compiled('AuditApi', 'config.js') as { loadAuditConfig: LoadConfig };
    const config = loadAuditConfig(auditAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'auditlocal', collectionName: 'recordslocal', telemetry: { otlpEndpoint: 'http://127.0.0.1:4318' } }));
    assert.deepEqual((config as { mongo: unknown }).mongo, {
      uri: 'mongodb://127.0.0.1:27017/',
      serverSelectionTimeoutMs: 5_000,
      createIndexes: true,
      databaseName: 'auditlocal',
      collections: { auditRecords: 'recordslocal' },
    });
  });

  it('PatientTests API: its database, the Audit API and its key, the gateway\'s key', () => {
    const { loadPatientTestsConfig } = compiled('PatientTestsApi', 'config.js') as { loadPatientTestsConfig: LoadConfig };
    const config = loadPatientTestsConfig(patientTestsAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'ptlocal', auditApiUrl: 'http://127.0.0.1:7072/api', keys })) as {
      mongo: { databaseName: string; createIndexes: boolean };
      audit: { baseUrl: string; functionKey: string };
      gatewayFunctionKey: string;
    };
    assert.equal(config.mongo.databaseName, 'ptlocal');
    assert.equal(config.mongo.createIndexes, true);
    assert.deepEqual({ baseUrl: config.audit.baseUrl, functionKey: config.audit.functionKey }, { baseUrl: 'http://127.0.0.1:7072/api', functionKey: keys.auditFunctionKey });
    assert.equal(config.gatewayFunctionKey, keys.gatewayFunctionKey);
  });

  it('and the check can fail: a value the app\'s config refuses throws at decoding', () => {
    const { loadAuditConfig } = compiled('AuditApi', 'config.js') as { loadAuditConfig: LoadConfig };
    const settings = auditAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'auditlocal', collectionName: 'recordslocal' });
    assert.throws(() => loadAuditConfig({ ...settings, AUDIT_DATABASE_NAME: 'not a database name!' }), /AUDIT_DATABASE_NAME is invalid/);
  });
});
