import assert from 'node:assert/strict';
import { UnsupportedMediaTypeError, ValidationError } from '../src/errors';
import { decodeTogether } from '../src/http';

const invalid = (field: string) => () => {
  throw new ValidationError([{ field, message: 'is wrong' }]);
};

describe('decodeTogether', () => {
  it('returns every part when each is valid', async () => {
    assert.deepEqual(await decodeTogether(() => 1, () => Promise.resolve('two')), [1, 'two']);
  });

  it('reports the validation problems of every part in one ValidationError, in the order of the parts', async () => {
    await assert.rejects(decodeTogether(invalid('lastName'), () => 'fine', invalid('Idempotency-Key')), (error: unknown) =>
      error instanceof ValidationError && error.errors.map((problem) => problem.field).join() === 'lastName,Idempotency-Key');
  });

  it('lets any other error through as it is (a 415 is not a list of fields)', async () => {
    await assert.rejects(decodeTogether(invalid('Idempotency-Key'), () => { throw new UnsupportedMediaTypeError(); }), UnsupportedMediaTypeError);
  });
});
