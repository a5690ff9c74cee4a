import assert from 'node:assert/strict';
import { HttpRequest } from '@azure/functions';
import { PreconditionFailedError } from '@patient-tests/shared/errors';
import { expectedVersionOf } from '../../src/handlers/http-helpers';

const put = (ifMatch?: string) =>
  new HttpRequest({ method: 'PUT', url: 'http://127.0.0.1/api/patient/x', headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });

describe('expectedVersionOf (If-Match)', () => {
  it('reads one strong ETag', () => {
    assert.equal(expectedVersionOf(put('"7"')), 7);
  });

  it('applies to any version without the header or with *', () => {
    assert.equal(expectedVersionOf(put()), undefined);
    assert.equal(expectedVersionOf(put('*')), undefined);
  });

  it('treats a weak, malformed or listed ETag as one that cannot match', () => {
    for (const value of ['W/"7"', '7', '"abc"', '"1", "2"']) assert.throws(() => expectedVersionOf(put(value)), PreconditionFailedError, value);
  });
});
