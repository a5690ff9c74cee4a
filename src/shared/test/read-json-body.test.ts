import assert from 'node:assert/strict';
import { HttpRequest } from '@azure/functions';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, readJsonBody } from '../src';

function post(body: string | Uint8Array, contentType = 'application/json'): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://127.0.0.1/api/thing',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? { string: body } : { bytes: body },
  });
}

async function validationFields(request: HttpRequest): Promise<string[]> {
  try {
    await readJsonBody(request, 1024);
  } catch (error: unknown) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error.errors.map((entry) => entry.field);
  }
  assert.fail('expected the body to be rejected');
}

describe('readJsonBody', () => {
  it('returns the parsed document', async () => {
    assert.deepEqual(await readJsonBody(post('{"a":[1,{"b":"c"}]}'), 1024), { a: [1, { b: 'c' }] });
  });

  it('accepts a charset parameter and +json media types', async () => {
    assert.deepEqual(await readJsonBody(post('{}', 'application/json; charset=utf-8'), 1024), {});
    assert.deepEqual(await readJsonBody(post('{}', 'application/merge-patch+json'), 1024), {});
  });

  it('rejects malformed JSON, an empty body and invalid UTF-8', async () => {
    assert.deepEqual(await validationFields(post('{"a":')), ['']);
    assert.deepEqual(await validationFields(post('')), ['']);
    assert.deepEqual(await validationFields(post(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))), ['']);
  });

  it('names operator, prototype and dotted keys wherever they are nested', async () => {
    const fields = await validationFields(post('{"name":{"$ne":null},"__proto__":{"x":1},"list":[{"a.b":1}],"constructor":{}}'));
    assert.deepEqual(fields, ['name.$ne', '__proto__', 'list.0.a.b', 'constructor']);
  });

  it('refuses U+0000 in any string or member name, naming where it is', async () => {
    const fields = await validationFields(post('{"name":"a\\u0000b","list":[{"ok":"yes","code":"\\u0000"}],"x\\u0000":1}'));
    assert.deepEqual(fields, ['name', 'list.0.code', 'x\u0000']);
  });

  it('rejects nesting deeper than any schema needs', async () => {
    const deep = '['.repeat(40) + ']'.repeat(40);
    assert.equal((await validationFields(post(deep))).length, 1);
  });

  it('rejects a body over the limit, by declared length or by bytes read', async () => {
    await assert.rejects(readJsonBody(post(JSON.stringify({ a: 'x'.repeat(2000) })), 1024), PayloadTooLargeError);
    const declared = new HttpRequest({
      method: 'POST',
      url: 'http://127.0.0.1/',
      headers: { 'content-type': 'application/json', 'content-length': '999999' },
      body: { string: '{}' },
    });
    await assert.rejects(readJsonBody(declared, 1024), PayloadTooLargeError);
  });

  it('rejects a body that is not declared as JSON', async () => {
    await assert.rejects(readJsonBody(post('{}', 'text/plain'), 1024), UnsupportedMediaTypeError);
    await assert.rejects(readJsonBody(post('{}', ''), 1024), UnsupportedMediaTypeError);
  });
});
