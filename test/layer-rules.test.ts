import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { repositoryRoot } from './repository-root';

/**
 * The layer rule of eslint.config.mjs, shown to fail. A file that is not on disk is not in any TypeScript
 * project, so the type-aware configuration cannot lint it; the test asks the real configuration which
 * import rule applies at a path, then lints the violation with exactly that rule.
 */
async function lintAt(relativePath: string, code: string): Promise<string[]> {
  const filePath = join(repositoryRoot, relativePath);
  const configured = (await new ESLint({ cwd: repositoryRoot }).calculateConfigForFile(filePath)) as Linter.Config;
  const rule = configured.rules?.['@typescript-eslint/no-restricted-imports'];
  assert.ok(rule !== undefined, `no import rule applies to ${relativePath}`);
  const eslint = new ESLint({
    cwd: repositoryRoot,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { '@typescript-eslint': tseslint.plugin },
        rules: { '@typescript-eslint/no-restricted-imports': rule },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parser'}: ${message.message}`);
}

describe('layer rules (eslint.config.mjs)', function () {
  this.timeout(120_000);

  for (const app of ['AuditApi', 'PatientTestsApi']) {
    const domain = `src/${app}/src/domain/deliberate-violation.ts`;

    it(`${app}: a domain file importing mongodb fails lint`, async () => {
      const messages = await lintAt(domain, "import { MongoClient } from 'mongodb';\nexport const client = MongoClient;\n");
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0] ?? '', /no-restricted-imports: 'mongodb' import is restricted/);
    });

    it(`${app}: a domain file importing @azure/functions, an adapter folder or a shared entry point that loads either fails lint`, async () => {
      const violations = [
        "import type { HttpRequest } from '@azure/functions';",
        "import { x } from '../data/store';",
        "import { x } from '../clients/audit-client';",
        "import { x } from '../handlers/http-helpers';",
        "import { x } from '../functions/register';",
        "import { RetryingCollection } from '@patient-tests/shared/mongo';",
        "import { locationOf } from '@patient-tests/shared/http';",
      ];
      for (const violation of violations) {
        const messages = await lintAt(domain, `${violation}\nexport const used = 1;\n`);
        assert.equal(messages.length, 1, `${violation}: ${messages.join('\n')}`);
        assert.match(messages[0] ?? '', /no-restricted-imports/, violation);
      }
    });

    it(`${app}: what the domain may import passes`, async () => {
      const allowed = [
        "import { NotFoundError } from '@patient-tests/shared/errors';",
        "import { guid } from '@patient-tests/shared/schema';",
        "import { Backoff } from '@patient-tests/shared/retry';",
        "import { z } from 'zod';",
        "import { randomUUID } from 'node:crypto';",
        "import { x } from './neighbour';",
      ];
      for (const line of allowed) assert.deepEqual(await lintAt(domain, `${line}\nexport const used = 1;\n`), [], line);
    });

    it(`${app}: a handler importing a function registration or the database, and a store importing a handler, fail lint`, async () => {
      assert.equal((await lintAt(`src/${app}/src/handlers/deliberate-violation.ts`, "import { x } from '../functions/register';\n")).length, 1);
      assert.equal((await lintAt(`src/${app}/src/handlers/deliberate-violation.ts`, "import { Collection } from 'mongodb';\n")).length, 1);
      assert.equal((await lintAt(`src/${app}/src/data/deliberate-violation.ts`, "import { x } from '../handlers/http-helpers';\n")).length, 1);
      assert.deepEqual(await lintAt(`src/${app}/src/handlers/deliberate-violation.ts`, "import { x } from '../domain/service';\n"), []);
      assert.deepEqual(await lintAt(`src/${app}/src/data/deliberate-violation.ts`, "import { x } from '../domain/patient';\n"), []);
    });
  }
});
