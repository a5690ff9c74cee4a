import assert from 'node:assert/strict';
import { firstDuplicateMember } from '../src/http/duplicate-members';

describe('firstDuplicateMember', () => {
  it('finds a member named twice in one object, at any depth, and names its path', () => {
    assert.equal(firstDuplicateMember('{"a":1,"a":2}'), 'a');
    assert.equal(firstDuplicateMember('{"a":{"b":[{"c":1,"d":2,"c":3}]}}'), 'a.b.c');
  });

  it('accepts the same name in different objects, and names that only look alike', () => {
    assert.equal(firstDuplicateMember('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}'), undefined);
    assert.equal(firstDuplicateMember('{"a":"\\"a\\"","\\u0061b":1,"ab\\"":2}'), undefined);
  });

  it('is not fooled by braces, commas and quotes inside strings', () => {
    assert.equal(firstDuplicateMember('{"a":"{\\"a\\":1,","b":"}, \\"b\\":"}'), undefined);
    assert.equal(firstDuplicateMember('{"a":"x\\\\","a":1}'), 'a');
  });

  it('compares names after unescaping, as JSON.parse does', () => {
    assert.equal(firstDuplicateMember('{"a":1,"\\u0061":2}'), 'a');
  });
});
