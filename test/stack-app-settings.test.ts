import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repositoryRoot } from './repository-root';

type Settings = Record<string, string>;
interface AppIdentity { authority: string; endpoint: string; header: string; appRoles: unknown }
interface AppSettingsModule {
  auditAppSettings: (app: { mongodbUri: string; databaseName: string; collectionName: string; identity: AppIdentity; telemetry?: { otlpEndpoint?: string } }) => Settings;
  patientTestsAppSettings: (app: { mongodbUri: string; databaseName: string; auditApiUrl: string; identity: AppIdentity; telemetry?: { otlpEndpoint?: string } }) => Settings;
}
interface DirectoryModule {
  readAppRoles: (root: string, api: 'audit' | 'patient_tests') => unknown;
  localTenantId: string;
  localApis: Record<'audit' | 'patient_tests', { clientId: string }>;
  localIdentities: Record<string, { clientId: string; objectId: string }>;
  localAuditorsGroupId: string;
}
type LoadConfig = (environment: Settings) => unknown;
interface AuthParts { auth: { tenantId: string; audience: string; issuer: string; jwksUri: string }; roleHolders: Record<string, string[]> }

/** Compiled modules of three workspaces, loaded by path: this test binds them and belongs to none of them. */
function compiled(workspace: string, module: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled module of another workspace, by path
  return require(join(repositoryRoot, 'src', workspace, 'dist', 'src', module));
}

/** The settings the local stack hands each app must be ones the app's own config.ts decodes, to what the stack meant. */
describe('the local stack\'s app settings follow the apps\' config.ts', () => {
  const { auditAppSettings, patientTestsAppSettings } = compiled('LocalStack', 'stack/app-settings.js') as AppSettingsModule;
  const directory = compiled('LocalStack', 'identity/local-directory.js') as DirectoryModule;
  const identityOf = (api: 'audit' | 'patient_tests'): AppIdentity => ({
    authority: 'http://127.0.0.1:7073',
    endpoint: 'http://127.0.0.1:7073/msi/token',
    header: `header-of-${api}`,
    appRoles: directory.readAppRoles(repositoryRoot, api),
  });

  it('Audit API: its database, collection and local index creation; its audience, and who may append and read', () => {
    const { loadAuditConfig } = compiled('AuditApi', 'config.js') as { loadAuditConfig: LoadConfig };
    const settings = auditAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'auditlocal', collectionName: 'recordslocal', identity: identityOf('audit'), telemetry: { otlpEndpoint: 'http://127.0.0.1:4318' } });
    const config = loadAuditConfig(settings) as { mongo: unknown } & AuthParts;
    assert.deepEqual(config.mongo, {
      uri: 'mongodb://127.0.0.1:27017/',
      serverSelectionTimeoutMs: 5_000,
      createIndexes: true,
      databaseName: 'auditlocal',
      collections: { auditRecords: 'recordslocal' },
    });
    assert.equal(config.auth.audience, directory.localApis.audit.clientId);
    assert.equal(config.auth.issuer, `http://127.0.0.1:7073/${directory.localTenantId}/v2.0`);
    assert.deepEqual(config.roleHolders, {
      'AuditRecords.Append': [directory.localIdentities.patientTests?.objectId],
      'AuditRecords.Read': [directory.localAuditorsGroupId],
      'Release.Probe': [directory.localIdentities.releaseProbe?.objectId],
    });
    assert.equal(settings.IDENTITY_HEADER, 'header-of-audit', 'as the platform sets it for each app');
  });

  it('PatientTests API: its database, the Audit API and the identity that calls it, and who may call it', () => {
    const { loadPatientTestsConfig } = compiled('PatientTestsApi', 'config.js') as { loadPatientTestsConfig: LoadConfig };
    const settings = patientTestsAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'ptlocal', auditApiUrl: 'http://127.0.0.1:7072/api', identity: identityOf('patient_tests') });
    const config = loadPatientTestsConfig(settings) as AuthParts & {
      mongo: { databaseName: string; createIndexes: boolean };
      audit: { baseUrl: string };
      auditToken: { clientId: string; audience: string };
      gatewayObjectIds: string[];
    };
    assert.equal(config.mongo.databaseName, 'ptlocal');
    assert.equal(config.mongo.createIndexes, true);
    assert.equal(config.audit.baseUrl, 'http://127.0.0.1:7072/api');
    assert.deepEqual(config.auditToken, { clientId: directory.localIdentities.patientTests?.clientId, audience: directory.localApis.audit.clientId });
    assert.equal(config.auth.audience, directory.localApis.patient_tests.clientId);
    assert.deepEqual(config.gatewayObjectIds, [directory.localIdentities.apiManagement?.objectId]);
    assert.deepEqual(config.roleHolders['PatientTests.ReadWrite'], [directory.localIdentities.apiManagement?.objectId, directory.localIdentities.operator?.objectId]);
    assert.deepEqual([settings.IDENTITY_ENDPOINT, settings.IDENTITY_HEADER], ['http://127.0.0.1:7073/msi/token', 'header-of-patient_tests']);
  });

  it('and the check can fail: a value the app\'s config refuses throws at decoding', () => {
    const { loadAuditConfig } = compiled('AuditApi', 'config.js') as { loadAuditConfig: LoadConfig };
    const settings = auditAppSettings({ mongodbUri: 'mongodb://127.0.0.1:27017/', databaseName: 'auditlocal', collectionName: 'recordslocal', identity: identityOf('audit') });
    assert.throws(() => loadAuditConfig({ ...settings, AUDIT_DATABASE_NAME: 'not a database name!' }), /AUDIT_DATABASE_NAME is invalid/);
    assert.throws(() => loadAuditConfig({ ...settings, AUTH_AUDITORS_OBJECT_IDS: 'auditors' }), /AUTH_AUDITORS_OBJECT_IDS is invalid/);
  });
});
