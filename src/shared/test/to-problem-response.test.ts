import assert from 'node:assert/strict';
import { NotFoundError, PayloadTooLargeError, ServiceUnavailableError, ValidationError } from '../src/errors';
import { problemContentType, problemTypes, toProblemResponse, type ProblemDocument } from '../src/http';

function bodyOf(response: { body?: unknown }): ProblemDocument {
  assert.equal(typeof response.body, 'string');
  return JSON.parse(response.body as string) as ProblemDocument;
}

describe('toProblemResponse', () => {
  it('answers an unexpected error with fixed text and the operation id only', () => {
    const error = new Error('connect ECONNREFUSED mongodb://admin:hunter2@db.internal:10255/?ssl=true');
    const response = toProblemResponse(error, 'op-123', '/api/auditrecord');
    const text = response.body as string;
    assert.equal(response.status, 500);
    assert.deepEqual(bodyOf(response), {
      ...problemTypes.internal,
      detail: 'The request could not be completed. Quote the operationId when you contact support.',
      instance: '/api/auditrecord',
      operationId: 'op-123',
    });
    for (const leak of ['hunter2', 'mongodb://', 'ECONNREFUSED', 'at ', 'stack']) assert.ok(!text.includes(leak), leak);
  });

  it('treats thrown non-errors as internal errors too', () => {
    assert.equal(toProblemResponse('boom', 'op').status, 500);
    assert.ok(!(toProblemResponse('boom', 'op').body as string).includes('boom'));
  });

  it('lists every validation error', () => {
    const response = toProblemResponse(
      new ValidationError([{ field: 'a', message: 'is required' }, { field: 'b.c', message: 'must be a string' }]),
      'op',
    );
    assert.equal(response.status, 400);
    assert.deepEqual(response.headers, { 'content-type': problemContentType });
    assert.deepEqual(bodyOf(response).errors, [{ field: 'a', message: 'is required' }, { field: 'b.c', message: 'must be a string' }]);
  });

  it('maps each kind of API error to its status', () => {
    assert.equal(toProblemResponse(new NotFoundError('gone'), 'op').status, 404);
    assert.equal(toProblemResponse(new PayloadTooLargeError(10), 'op').status, 413);
    const unavailable = toProblemResponse(new ServiceUnavailableError('later', 7), 'op');
    assert.equal(unavailable.status, 503);
    assert.equal((unavailable.headers as Record<string, string>)['retry-after'], '7');
    assert.equal(bodyOf(unavailable).type, problemTypes.serviceUnavailable.type);
  });
});
