import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { freePort } from '../src/process/wait-for-port';
import { runUp, stackFolder, upEnvironment, type UpProcess } from './fixtures/run-up';

// Issue 18 point 5: expected conflicts (the unique inserts that decide concurrent updates) printed
// 240 ERROR lines for 20 concurrent updates; a real error must still show.
describe('the local stack console (npm start)', () => {
  let directory: string;
  let stack: UpProcess | undefined;
  let postgresqlPort: number;

  before(async function () {
    if (process.env.MONGODB_URI) this.skip();
    directory = stackFolder();
    postgresqlPort = await freePort();
    stack = await runUp(upEnvironment(directory, await freePort(), postgresqlPort));
  });
  after(async () => {
    if (stack && stack.child.exitCode === null) {
      stack.child.kill('SIGINT');
      await once(stack.child, 'exit');
    }
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints no error for 20 concurrent conflicting updates of one patient, and still prints a wrong password', async () => {
    assert.ok(stack);
    const { gateway } = stack.status;
    const headers = { 'ocp-apim-subscription-key': gateway.subscriptionKey, 'content-type': 'application/json' };
    const patient = { firstName: 'Ada', lastName: 'Lovelace', gender: 'female', dateOfBirth: '1815-12-10', postCode: '2000' };
    const created = await fetch(`${gateway.url}/patient`, { method: 'POST', headers, body: JSON.stringify(patient) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const before = stack.output().length;
    const updates = await Promise.all(Array.from({ length: 20 }, async (_, index) => {
      const response = await fetch(`${gateway.url}/patient/${id}`, { method: 'PUT', headers, body: JSON.stringify({ ...patient, id, postCode: String(3000 + index) }) });
      await response.arrayBuffer();
      return response.status;
    }));
    assert.ok(updates.every((status) => status < 500), `no update failed on the server: ${updates.join(' ')}`);
    assert.ok(updates.some((status) => status === 200), `some updates succeeded: ${updates.join(' ')}`);

    const impostor = new pg.Client({ host: '127.0.0.1', port: postgresqlPort, user: 'postgres', password: 'wrong-password', database: 'postgres' });
    await assert.rejects(impostor.connect(), /password authentication failed/);
    const deadline = Date.now() + 10_000;
    while (!stack.output().slice(before).includes('password authentication failed')) {
      assert.ok(Date.now() < deadline, `the refused password was not logged:\n${stack.output().slice(before)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const console = stack.output().slice(before).split('\n');
    const noise = console.filter((line) => /duplicate key|E11000|\bERROR\b/.test(line));
    assert.deepEqual(noise, [], `expected conflicts logged as errors (${noise.length} lines)`);
  });
});
