import assert from 'node:assert/strict';
import { installFunctionsCoreShim, invokeWithHooks, registeredFunctions } from '../src/host/functions-core-shim';

// Contract test: pins what @azure/functions hands the worker, which the local host depends on.
describe('functions-core shim', () => {
  before(() => { installFunctionsCoreShim(); });

  it('receives app.http registrations with the library defaults applied', async () => {
    const { app } = await import('@azure/functions');
    const before = registeredFunctions().length;
    app.http('shimContractDefaults', { handler: () => ({ status: 204 }) });
    app.get('shimContractGet', { route: 'things/{id:guid}', authLevel: 'function', handler: () => ({ status: 204 }) });
    const [defaults, get] = registeredFunctions().slice(before);
    assert.equal(defaults?.name, 'shimContractDefaults');
    assert.equal(defaults.trigger.type, 'httpTrigger');
    assert.equal(defaults.trigger.authLevel, 'anonymous');
    assert.deepEqual(defaults.trigger.methods, ['GET', 'POST']);
    assert.equal(get?.trigger.route, 'things/{id:guid}');
    assert.equal(get.trigger.authLevel, 'function');
    assert.deepEqual(get.trigger.methods, ['GET']);
  });

  it('refuses an appStart hook loudly, naming it: it would never run locally', async () => {
    const { app } = await import('@azure/functions');
    assert.throws(() => app.hook.appStart(() => undefined), /hook "appStart" is refused by the local host/);
  });

  it('runs postInvocation hooks as the worker does: they see the result or the error, share hookData with preInvocation, and may replace either', async () => {
    const { app } = await import('@azure/functions');
    const seen: unknown[] = [];
    const pre = app.hook.preInvocation((context) => { context.hookData.started = 'yes'; });
    const post = app.hook.postInvocation((context) => {
      seen.push({ result: context.result, error: context.error instanceof Error ? context.error.message : context.error, started: context.hookData.started });
      if (context.result === 'replace me') context.result = 'replaced';
      if (context.error instanceof Error && context.error.message === 'forgive me') context.error = null;
    });
    try {
      assert.equal(await invokeWithHooks(() => 'plain', {}, []), 'plain');
      assert.equal(await invokeWithHooks(() => 'replace me', {}, []), 'replaced');
      await assert.rejects(invokeWithHooks(() => { throw new Error('boom'); }, {}, []), /boom/);
      assert.equal(await invokeWithHooks(() => Promise.reject(new Error('forgive me')), {}, []), null);
      assert.deepEqual(seen, [
        { result: 'plain', error: null, started: 'yes' },
        { result: 'replace me', error: null, started: 'yes' },
        { result: null, error: 'boom', started: 'yes' },
        { result: null, error: 'forgive me', started: 'yes' },
      ]);
    } finally {
      pre.dispose();
      post.dispose();
    }
  });

  it('makes a failing postInvocation hook the invocation\'s error, and runs none once disposed', async () => {
    const { app } = await import('@azure/functions');
    const post = app.hook.postInvocation(() => { throw new Error('hook failed'); });
    await assert.rejects(invokeWithHooks(() => 'fine', {}, []), /hook failed/);
    post.dispose();
    assert.equal(await invokeWithHooks(() => 'fine', {}, []), 'fine');
  });
});
