import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemTypes } from '../src/http';

describe('problem type catalogue', () => {
  it('is documented in docs/problems.md, type by type with its status', () => {
    const docs = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'problems.md'), 'utf8');
    for (const problem of Object.values(problemTypes)) {
      const row = docs.split('\n').find((line) => line.includes(`\`${problem.type}\``));
      assert.ok(row, `${problem.type} is missing from docs/problems.md`);
      assert.match(row, new RegExp(`\\|\\s*${problem.status}\\s*\\|`), `${problem.type} has the wrong status in the docs`);
    }
  });
});
