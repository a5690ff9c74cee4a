import assert from 'node:assert/strict';
import { ConfigurationError, decodeEnvironment, setting } from '../src/config';

const shape = {
  MONGODB_URI: setting.mongodbUri(),
  DATABASE_NAME: setting.databaseName('audit'),
  TIMEOUT_MS: setting.integer(100, 60_000, 5_000),
};

function configurationProblems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error: unknown) {
    assert.ok(error instanceof ConfigurationError, 'expected a ConfigurationError');
    return error.problems;
  }
  assert.fail('expected start-up to fail');
}

describe('decodeEnvironment', () => {
  it('decodes valid settings and applies defaults', () => {
    const settings = decodeEnvironment(shape, { MONGODB_URI: 'mongodb://127.0.0.1:27017/', TIMEOUT_MS: '250' });
    assert.deepEqual(settings, { MONGODB_URI: 'mongodb://127.0.0.1:27017/', DATABASE_NAME: 'audit', TIMEOUT_MS: 250 });
  });

  it('names a missing variable', () => {
    assert.deepEqual(configurationProblems(() => decodeEnvironment(shape, {})), ['MONGODB_URI is required but not set']);
  });

  it('treats an empty or blank value as missing', () => {
    assert.deepEqual(configurationProblems(() => decodeEnvironment(shape, { MONGODB_URI: '  ' })), [
      'MONGODB_URI is required but not set',
    ]);
  });

  it('refuses a setting that still holds a Key Vault reference App Service could not resolve, naming it and nothing of its value', () => {
    const keys = { FIRST_SECRET: setting.string(512), SECOND_SECRET: setting.string(512) };
    const references = [
      '@Microsoft.KeyVault(SecretUri=https://kv-pt01-dev.vault.azure.net/secrets/patient-tests-mongodb-uri/)',
      ' @microsoft.keyvault(VaultName=kv-pt01-dev;SecretName=audit-mongodb-uri)',
    ];
    const problems = configurationProblems(() => decodeEnvironment(keys, { FIRST_SECRET: references[0], SECOND_SECRET: references[1] }));
    assert.deepEqual(problems.map((problem) => problem.split(' ')[0]), ['FIRST_SECRET', 'SECOND_SECRET']);
    assert.ok(problems.every((problem) => problem.includes('Key Vault reference that was not resolved')));
    assert.ok(!problems.join(' ').includes('kv-pt01-dev'), 'the reference is not echoed');
    // One problem per setting, also where the reference breaks the setting's own rule.
    assert.deepEqual(configurationProblems(() => decodeEnvironment(shape, { MONGODB_URI: '@Microsoft.KeyVault(SecretUri=https://v/secrets/uri/)' })).length, 1);
    // A resolved value that merely mentions it somewhere else is a value like any other.
    assert.deepEqual(decodeEnvironment(keys, { FIRST_SECRET: 'k@Microsoft.KeyVault(', SECOND_SECRET: 'a' }), { FIRST_SECRET: 'k@Microsoft.KeyVault(', SECOND_SECRET: 'a' });
  });

  it('names every invalid variable at once, without echoing its value', () => {
    const problems = configurationProblems(() =>
      decodeEnvironment(shape, { MONGODB_URI: 'postgres://user:secret@db/', DATABASE_NAME: 'bad name!', TIMEOUT_MS: 'soon' }),
    );
    assert.deepEqual(problems.map((problem) => problem.split(' ')[0]), ['MONGODB_URI', 'DATABASE_NAME', 'TIMEOUT_MS']);
    assert.ok(problems.every((problem) => problem.includes('is invalid')));
    assert.ok(!problems.join(' ').includes('secret'), 'the bad value must not be echoed');
  });
});
