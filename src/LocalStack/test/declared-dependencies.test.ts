import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { repositoryRoot } from '../src/stack/repository-root';

const root = repositoryRoot();

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The packages a folder of TypeScript imports (bare specifiers, reduced to the package name). */
function importedPackages(folder: string): Set<string> {
  const packages = new Set<string>();
  for (const file of sourceFiles(folder)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\(|require\()\s*'([^'.][^']*)'/g)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      packages.add(specifier.startsWith('@') ? `${parts[0] ?? ''}/${parts[1] ?? ''}` : parts[0] ?? '');
    }
  }
  return packages;
}

/**
 * A deployed function app gets only the packages its own package.json declares (and what they bring):
 * a package its code imports must be declared there, not found by luck because the shared package or
 * the workspace root hoisted it.
 */
describe('declared dependencies', () => {
  for (const workspace of ['src/AuditApi', 'src/PatientTestsApi', 'src/shared']) {
    it(`${workspace}: every package its production code imports is a dependency of its own`, () => {
      const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = new Set(Object.keys(manifest.dependencies ?? {}));
      const undeclared = [...importedPackages(join(root, workspace, 'src'))].filter((name) => !declared.has(name)).sort();
      assert.deepEqual(undeclared, []);
    });
  }

  it('and the check can fail: the PatientTests app as it was imported three packages it did not declare', () => {
    const earlier = new Set(['@opentelemetry/api', 'undici']);
    const undeclared = [...importedPackages(join(root, 'src', 'PatientTestsApi', 'src'))].filter((name) => !earlier.has(name) && !name.startsWith('@patient-tests/'));
    assert.deepEqual(undeclared.sort(), ['@azure/functions', 'mongodb', 'zod']);
  });
});
