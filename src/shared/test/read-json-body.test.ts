import assert from 'node:assert/strict';
import { HttpRequest } from '@azure/functions';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../src/errors';
import { readJsonBody } from '../src/http';

/**
 * The body as bytes, as the Functions host hands it to a worker that declares RawHttpBodyBytes (the Node
 * worker does): a string body would make the Request constructor add `text/plain` where the client sent
 * no type. `contentType` null: the request has no Content-Type header at all.
 */
function post(body: string | Uint8Array, contentType: string | null = 'application/json'): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://127.0.0.1/api/thing',
    headers: contentType === null ? {} : { 'content-type': contentType },
    body: { bytes: typeof body === 'string' ? new TextEncoder().encode(body) : body },
  });
}

/** What the PatientTests API accepts for its third parties (json-media-type.ts). */
const lenient = { plainTextOrUndeclared: true };

async function validationFields(request: HttpRequest): Promise<string[]> {
  try {
    await readJsonBody(request, 1024, lenient);
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

  it('rejects a body declared as anything but JSON or plain UTF-8 text, or with an empty Content-Type', async () => {
    const refused = [
      'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'text/csv', 'application/xml',
      'application/octet-stream', 'text/plain; charset=iso-8859-1', 'text/plainer', '',
    ];
    for (const contentType of refused) {
      await assert.rejects(readJsonBody(post('{}', contentType), 1024), UnsupportedMediaTypeError, contentType);
      await assert.rejects(readJsonBody(post('{}', contentType), 1024, lenient), UnsupportedMediaTypeError, `${contentType}, lenient`);
    }
  });

  it('reads a body without a Content-Type as JSON where the API asks for it, and refuses it (415) otherwise', async () => {
    assert.deepEqual(await readJsonBody(post('{"lastName":"LT"}', null), 1024, lenient), { lastName: 'LT' });
    await assert.rejects(readJsonBody(post('{"lastName":"LT"}', null), 1024), UnsupportedMediaTypeError);
  });

  it('reads JSON declared as plain UTF-8 text, as the 2020 client (Locust, geventhttpclient) declares every string body, where the API asks for it', async () => {
    for (const contentType of ['text/plain; charset=utf-8', 'text/plain', 'Text/Plain; Charset="UTF-8"', 'text/plain;charset=utf8']) {
      assert.deepEqual(await readJsonBody(post('{"lastName":"LT"}', contentType), 1024, lenient), { lastName: 'LT' }, contentType);
      await assert.rejects(readJsonBody(post('{"lastName":"LT"}', contentType), 1024), UnsupportedMediaTypeError, `${contentType} without the option`);
    }
  });

  for (const contentType of [null, 'text/plain; charset=utf-8']) {
    it(`applies every other rule to a body with ${contentType === null ? 'no Content-Type' : contentType}`, async () => {
      assert.deepEqual(await validationFields(post('{"a":', contentType)), ['']);
      assert.deepEqual(await validationFields(post('hello', contentType)), ['']);
      assert.deepEqual(await validationFields(post('', contentType)), ['']);
      assert.deepEqual(await validationFields(post('{"a":1,"a":2}', contentType)), ['a']);
      assert.deepEqual(await validationFields(post('{"name":{"$ne":null}}', contentType)), ['name.$ne']);
      assert.deepEqual(await validationFields(post(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), contentType)), ['']);
      await assert.rejects(readJsonBody(post(JSON.stringify({ a: 'x'.repeat(2000) }), contentType), 1024, lenient), PayloadTooLargeError);
    });
  }
});
