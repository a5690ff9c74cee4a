import assert from 'node:assert/strict';
import { Backoff } from '../src/retry';

/** Sleeps recorded, not slept: no test here waits on a clock. */
function tools(random = 1) {
  const slept: number[] = [];
  return { slept, tools: { sleep: (ms: number) => { slept.push(ms); return Promise.resolve(); }, random: () => random } };
}

describe('Backoff', () => {
  it('waits up to a bound that doubles from the base to the maximum, a random part of it each time (full jitter)', async () => {
    const full = tools(1);
    const backoff = new Backoff({ attempts: 10, baseMs: 10, maxMs: 100 }, full.tools);
    for (let attempt = 1; attempt <= 6; attempt++) await backoff.pause(attempt);
    assert.deepEqual(full.slept, [10, 20, 40, 80, 100, 100]);
    const half = tools(0.5);
    await new Backoff({ attempts: 10, baseMs: 10, maxMs: 100 }, half.tools).pause(3);
    assert.deepEqual(half.slept, [20]);
  });

  it('reads again after a pause until something is found', async () => {
    const { slept, tools: fake } = tools();
    const answers = [undefined, undefined, 'the winner'];
    let reads = 0;
    const found = await new Backoff({ attempts: 5, baseMs: 10, maxMs: 100 }, fake).readUntilFound(() => Promise.resolve(answers[reads++]));
    assert.equal(found, 'the winner');
    assert.equal(reads, 3);
    assert.deepEqual(slept, [10, 20]);
  });

  it('gives up after the policy\'s number of reads, with undefined', async () => {
    const { slept, tools: fake } = tools();
    let reads = 0;
    const nothing = (): Promise<string | undefined> => {
      reads++;
      return Promise.resolve(undefined);
    };
    assert.equal(await new Backoff({ attempts: 4, baseMs: 10, maxMs: 100 }, fake).readUntilFound(nothing), undefined);
    assert.equal(reads, 4);
    assert.equal(slept.length, 3, 'no pause after the last read');
  });
});
