import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeys } from '../src/stack/local-keys';

describe('local keys (.local/keys.json)', () => {
  let folder: string;
  beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'local-keys-')); });
  afterEach(() => { rmSync(folder, { recursive: true, force: true }); });

  it('generates five different keys into a file only its owner can read, and reuses them', () => {
    const file = join(folder, 'keys.json');
    const keys = loadOrCreateKeys(file, {});
    assert.equal(new Set(Object.values(keys)).size, 5);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.deepEqual(loadOrCreateKeys(file, {}), keys);
  });

  it('adds the keys a file written before them lacks, and keeps the others', () => {
    const file = join(folder, 'keys.json');
    const old = { gatewaySubscriptionKey: 'g'.repeat(43), auditFunctionKey: 'a'.repeat(43), patientTestsFunctionKey: 'p'.repeat(43) };
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
    const keys = loadOrCreateKeys(file, {});
    assert.deepEqual({ ...keys, secondSubscriptionKey: undefined, gatewayFunctionKey: undefined }, { ...old, secondSubscriptionKey: undefined, gatewayFunctionKey: undefined });
    assert.ok(keys.secondSubscriptionKey.length >= 32 && keys.gatewayFunctionKey.length >= 32);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), keys, 'the new keys are kept for the next start');
  });

  it('lets the environment override any key without writing it to the file', () => {
    const file = join(folder, 'keys.json');
    const keys = loadOrCreateKeys(file, { secondSubscriptionKey: 'from-the-environment' });
    assert.equal(keys.secondSubscriptionKey, 'from-the-environment');
    assert.notEqual((JSON.parse(readFileSync(file, 'utf8')) as { secondSubscriptionKey: string }).secondSubscriptionKey, 'from-the-environment');
  });
});
