import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyFindings, readManifest, typeScriptFiles, workspaceFindings, type Manifest } from './declared-dependencies';
import { repositoryRoot } from './repository-root';

const workspaces = (JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

describe('declared dependencies', () => {
  it('covers every workspace', () => {
    assert.deepEqual([...workspaces].sort(), ['src/AuditApi', 'src/KeyVaultTools', 'src/LoadTest', 'src/LocalStack', 'src/PatientTestsApi', 'src/shared']);
  });

  for (const workspace of workspaces) {
    it(`${workspace}: imports only what it declares, and declares nothing it does not import`, () => {
      assert.deepEqual(workspaceFindings(repositoryRoot, workspace), { undeclared: [], undeclaredInTests: [], unused: [] });
    });
  }

  it('the repository-wide tests (test/) import only what the root declares', () => {
    const root = readManifest(repositoryRoot);
    assert.deepEqual(dependencyFindings(root, { src: new Map(), test: typeScriptFiles(join(repositoryRoot, 'test')) }, root), { undeclared: [], undeclaredInTests: [], unused: [] });
  });

  describe('and the check can fail', () => {
    const root: Manifest = { devDependencies: { mocha: '^12.0.0' } };

    it('on the PatientTests app as it was: four packages imported, none declared', () => {
      const manifest: Manifest = { name: '@patient-tests/patient-tests-api', dependencies: { '@patient-tests/shared': '^1.0.0' } };
      const src = new Map([
        ['src/app.ts', "import { MongoConnection } from '@patient-tests/shared/mongo';\nimport type { Document } from 'mongodb';\n"],
        ['src/functions/register.ts', "import { app } from '@azure/functions';\nimport { trace } from '@opentelemetry/api';\n"],
        ['src/domain/patient-schema.ts', "import { z } from 'zod';\nimport { randomUUID } from 'node:crypto';\nimport { x } from './patient';\n"],
      ]);
      assert.deepEqual(dependencyFindings(manifest, { src, test: new Map() }, root), {
        undeclared: ['@azure/functions', '@opentelemetry/api', 'mongodb', 'zod'],
        undeclaredInTests: [],
        unused: [],
      });
    });

    it('on the LoadTest workspace as it was: a dependency nothing imports', () => {
      const manifest: Manifest = { dependencies: { '@patient-tests/local-stack': '^1.0.0', '@patient-tests/shared': '^1.0.0' }, devDependencies: { '@types/autocannon': '^7.0.0' } };
      const src = new Map([['bench/main.ts', "import { startStack } from '@patient-tests/local-stack';\n"]]);
      assert.deepEqual(dependencyFindings(manifest, { src, test: new Map() }, root).unused, ['@patient-tests/shared']);
    });

    it('on a test importing what neither its workspace nor the root declares; the root devDependencies and type packages are fine', () => {
      const manifest: Manifest = { dependencies: { zod: '^4.0.0' }, devDependencies: { '@types/pg': '^8.0.0' } };
      const test = new Map([['test/a.test.ts', "import { describe } from 'mocha';\nimport { z } from 'zod';\nimport YAML from 'yaml';\nconst pg = require('pg');\n"]]);
      assert.deepEqual(dependencyFindings(manifest, { src: new Map(), test }, root), { undeclared: [], undeclaredInTests: ['pg', 'yaml'], unused: [] });
    });

    it('reads dynamic imports and require.resolve, but not a package resolved from another folder', () => {
      const src = new Map([
        ['src/a.ts', "const docs = require.resolve('swagger-ui-dist/package.json');\nconst late = await import('undici');\nconst other = require.resolve('@azure/functions', { paths: [root] });\n"],
      ]);
      assert.deepEqual(dependencyFindings({}, { src, test: new Map() }, root).undeclared, ['swagger-ui-dist', 'undici']);
    });
  });
});
