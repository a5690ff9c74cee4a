import assert from 'node:assert/strict';
import { installFunctionsCoreShim, registeredFunctions } from '../src/host/functions-core-shim';

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
});
