import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AzureYaml, Service } from './azure-yaml';
import { azureYamlValidator, discoveryProblems, gitBlobId, linkProblems, publishedSchemaBlob } from './azure-yaml';
import { repositoryRoot } from './repository-root';

const schemaFile = join(repositoryRoot, 'test', 'schemas', 'azure.yaml.schema.json');
const read = (): AzureYaml => parse(readFileSync(join(repositoryRoot, 'azure.yaml'), 'utf8')) as AzureYaml;

/** azure.yaml with one service changed (the Audit API's), everything else as committed. */
const withAudit = (change: (service: Service) => Service): AzureYaml => {
  const config = read();
  const services = config.services ?? {};
  return { ...config, services: { ...services, audit: change(services.audit ?? {}) } };
};

describe('azure.yaml: the Azure Developer CLI drives env/ and deploys both apps', () => {
  const validate = azureYamlValidator(schemaFile);
  const schemaErrors = (config: AzureYaml): string[] => (validate(config) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`));

  it('checks against the schema azd publishes, unmodified (test/schemas/README.md)', () => {
    assert.equal(gitBlobId(readFileSync(schemaFile)), publishedSchemaBlob);
  });

  it('is valid against that schema', () => {
    assert.deepEqual(schemaErrors(read()), []);
  });

  it('names the Terraform, the apps, the outputs and the scripts that are in the repository', () => {
    assert.deepEqual(linkProblems(read(), repositoryRoot), []);
  });

  it('lets azd find each function app: by its azd-service-name tag, the key env/ and the deploy script know it by', () => {
    assert.deepEqual(discoveryProblems(read(), repositoryRoot), []);
  });

  // Mistakes the published schema catches, with the error it reports.
  const rejectedBySchema: [string, AzureYaml, string][] = [
    ['a provider name azd cannot have', { ...read(), infra: { ...read().infra, provider: 'Terraform' } }, '/infra/provider must match pattern'],
    ['a project name with capitals', { ...read(), name: 'PatientTests' }, '/name must match pattern'],
    ['a service without a host', withAudit(({ host: _host, ...service }) => service), "/services/audit must have required property 'host'"],
    ['app settings on a function service (azd does not set them there)', withAudit((service) => ({ ...service, env: { MONGODB_URI: 'x' } })), '/services/audit/env boolean schema is false'],
    ['a function service from both code and an image', withAudit((service) => ({ ...service, image: 'registry/audit:1' })), '/services/audit must match a schema in anyOf'],
    ['a misspelt service hook', withAudit((service) => ({ ...service, hooks: { prepackge: { shell: 'sh', run: 'true' } } })), '/services/audit/hooks must NOT have additional properties'],
    ['a hook shell azd does not know', { ...read(), hooks: { predeploy: { shell: 'bash', run: 'true' } } }, '/hooks/predeploy/shell must be equal to one of the allowed values'],
    ['another host for a service that sets remoteBuild (a function-only setting)', withAudit((service) => ({ ...service, host: 'functions' })), '/services/audit/remoteBuild boolean schema is false'],
    ['an AI host, whose extension schema is not vendored', withAudit(({ remoteBuild: _remoteBuild, ...service }) => ({ ...service, host: 'azure.ai.agent' })), '/services/audit boolean schema is false'],
  ];
  for (const [mistake, config, expected] of rejectedBySchema) {
    it(`the schema rejects ${mistake}`, () => {
      const errors = schemaErrors(config);
      assert.ok(errors.some((error) => error.startsWith(expected)), `not reported: ${expected}\n${errors.join('\n') || 'valid'}`);
    });
  }

  // Mistakes the schema admits (any provider or host name may come from an extension): the links catch them.
  const admittedBySchema: [string, AzureYaml, string][] = [
    ['another provider', { ...read(), infra: { ...read().infra, provider: 'bicepx' } }, 'infra.provider is bicepx'],
    ['an unknown host', withAudit(({ remoteBuild: _remoteBuild, ...service }) => ({ ...service, host: 'functions' })), 'audit: host is functions'],
    ['a missing infrastructure folder', { ...read(), infra: { ...read().infra, path: 'infra' } }, 'infra.path infra holds no Terraform'],
    ['a missing project', withAudit((service) => ({ ...service, project: 'src/NoSuchApi' })), 'audit: project src/NoSuchApi has no package.json'],
    ['a variable no Terraform output sets', { ...read(), resourceGroup: '${AZURE_RESOURCE_GROUP_NAME}' }, '${AZURE_RESOURCE_GROUP_NAME} is not an output'],
    ['the app folder azd would zip on its own', withAudit((service) => ({ ...service, dist: 'dist' })), 'audit: dist is src/AuditApi/dist'],
    ['a dependency on no service', withAudit((service) => ({ ...service, uses: ['audit-api'] })), 'audit: uses audit-api'],
  ];
  for (const [mistake, config, expected] of admittedBySchema) {
    it(`the schema admits ${mistake}, the link check does not`, () => {
      assert.deepEqual(schemaErrors(config), []);
      const found = linkProblems(config, repositoryRoot);
      assert.ok(found.some((line) => line.startsWith(expected)), `not caught: ${expected}\n${found.join('\n')}`);
    });
  }

  it('the discovery check fails on a service env/ does not know', () => {
    const renamed = read();
    const { audit, ...others } = renamed.services ?? {};
    const found = discoveryProblems({ ...renamed, services: { ...others, 'audit-api': audit ?? {} } }, repositoryRoot);
    assert.ok(found.some((line) => line.includes("are not the function apps' keys")), found.join('\n'));
  });

  it('the discovery check fails when env/functions.tf does not tag the function apps', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'azure-yaml-'));
    try {
      mkdirSync(join(scratch, 'env'));
      mkdirSync(join(scratch, 'scripts'));
      copyFileSync(join(repositoryRoot, 'scripts', 'deploy-functions.sh'), join(scratch, 'scripts', 'deploy-functions.sh'));
      const functions = readFileSync(join(repositoryRoot, 'env', 'functions.tf'), 'utf8');
      writeFileSync(join(scratch, 'env', 'functions.tf'), functions.replace(/"?azd-service-name"?\s*=\s*each\.key/g, 'owner = "someone"'));
      const found = discoveryProblems(read(), scratch);
      assert.ok(found.some((line) => line.includes('does not tag azurerm_function_app_flex_consumption.main')), found.join('\n'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
