import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeys } from '../src/stack/local-keys';

describe('local keys (.local/keys.json)', () => {
  let folder: string;
  beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'local-keys-')); });
  afterEach(() => { rmSync(folder, { recursive: true, force: true }); });

  it('generates the two clients\' subscription keys, different, into a file only its owner can read, and reuses them', () => {
    const file = join(folder, 'keys.json');
    const keys = loadOrCreateKeys(file, {});
    assert.deepEqual(Object.keys(keys).sort(), ['gatewaySubscriptionKey', 'secondSubscriptionKey']);
    assert.equal(new Set(Object.values(keys)).size, 2);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.deepEqual(loadOrCreateKeys(file, {}), keys);
  });

  it('adds the key a file written before it lacks, keeps the other, and drops the function keys of earlier versions', () => {
    const file = join(folder, 'keys.json');
    const old = { gatewaySubscriptionKey: 'g'.repeat(43), auditFunctionKey: 'a'.repeat(43), patientTestsFunctionKey: 'p'.repeat(43) };
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
    const keys = loadOrCreateKeys(file, {});
    assert.equal(keys.gatewaySubscriptionKey, old.gatewaySubscriptionKey);
    assert.ok(keys.secondSubscriptionKey.length >= 32);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), keys, 'the new key is kept for the next start, the function keys are gone');
  });

  it('lets the environment override any key without writing it to the file', () => {
    const file = join(folder, 'keys.json');
    const keys = loadOrCreateKeys(file, { secondSubscriptionKey: 'from-the-environment' });
    assert.equal(keys.secondSubscriptionKey, 'from-the-environment');
    assert.notEqual((JSON.parse(readFileSync(file, 'utf8')) as { secondSubscriptionKey: string }).secondSubscriptionKey, 'from-the-environment');
  });
});
