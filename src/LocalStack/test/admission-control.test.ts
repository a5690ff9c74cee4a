import assert from 'node:assert/strict';
import { AdmissionControl } from '../src/gateway/admission-control';

describe('gateway admission control', () => {
  it('admits up to the limit, queues the next ones in order, and refuses beyond the queue at once', async () => {
    const control = new AdmissionControl({ maxConcurrent: 2, maxQueued: 2, maxQueueWaitMs: 60_000 });
    const first = await control.admit();
    const second = await control.admit();
    assert.ok(first && second);
    const order: string[] = [];
    const third = control.admit().then((release) => { order.push('third'); return release; });
    const fourth = control.admit().then((release) => { order.push('fourth'); return release; });
    assert.equal(await control.admit(), undefined, 'the fifth is refused: two in flight, two waiting');
    assert.deepEqual(control.load, { inFlight: 2, queued: 2 });
    first();
    first(); // releasing twice frees one place only
    const thirdRelease = await third;
    assert.deepEqual(order, ['third']);
    assert.deepEqual(control.load, { inFlight: 2, queued: 1 });
    second();
    const fourthRelease = await fourth;
    assert.deepEqual(order, ['third', 'fourth']);
    thirdRelease?.();
    fourthRelease?.();
    assert.deepEqual(control.load, { inFlight: 0, queued: 0 });
  });

  it('refuses a request that waited longer than the queue allows, and frees its place', async () => {
    const control = new AdmissionControl({ maxConcurrent: 1, maxQueued: 1, maxQueueWaitMs: 20 });
    const held = await control.admit();
    assert.equal(await control.admit(), undefined);
    assert.deepEqual(control.load, { inFlight: 1, queued: 0 });
    held?.();
  });

  it('gives the place back when a waiting caller hangs up', async () => {
    const control = new AdmissionControl({ maxConcurrent: 1, maxQueued: 1, maxQueueWaitMs: 60_000 });
    const held = await control.admit();
    const hungUp = new AbortController();
    const waiting = control.admit(hungUp.signal);
    hungUp.abort();
    assert.equal(await waiting, undefined);
    assert.deepEqual(control.load, { inFlight: 1, queued: 0 });
    held?.();
  });
});
