import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repositoryRoot } from './repository-root';

/**
 * Flat test files (outside unit/, integration/, component/ and contract/ folders) left out of
 * `npm run test:unit`, each with what it needs. A new flat test file must be added to .mocharc.unit.json
 * or here, so the unit set cannot lose a file without someone saying why.
 */
const needsMoreThanUnit = new Map<string, string>([
  ['src/shared/test/mongo-connection.test.ts', 'the test database and a TCP listener'],
  ['src/KeyVaultTools/test/key-vault.test.ts', 'an HTTP stand-in for Key Vault and the identity endpoint'],
  ['src/LocalStack/test/api-policy.test.ts', 'the stack and HTTP servers'],
  ['src/LocalStack/test/crash-restart.test.ts', 'npm start as a child process'],
  ['src/LocalStack/test/embedded-database.test.ts', 'FerretDB and PostgreSQL'],
  ['src/LocalStack/test/function-packages.test.ts', 'the packaged apps run against the database'],
  ['src/LocalStack/test/functions-host.test.ts', 'the functions host as a child process'],
  ['src/LocalStack/test/gateway-memory.test.ts', 'a gateway and its callers in a process of their own'],
  ['src/LocalStack/test/gateway.test.ts', 'the stack and HTTP servers'],
  ['src/LocalStack/test/quiet-console.test.ts', 'npm start as a child process'],
  ['src/LocalStack/test/stack.test.ts', 'the whole stack'],
  ['src/LocalStack/test/supervision.test.ts', 'the whole stack'],
  ['src/LocalStack/test/test-run-exit.test.ts', 'mocha and a TCP listener as child processes'],
  ['src/LoadTest/test/client-2020.test.ts', 'the stack and Locust'],
  ['src/LoadTest/test/smoke.test.ts', 'the stack, Locust and the benchmark'],
  ['test/deploy-workflow.test.ts', 'git, actionlint and the packaging scripts'],
  ['test/prune-stale-build.test.ts', 'the build script as a child process'],
  ['test/repository.test.ts', 'git, actionlint and npm'],
  ['test/unit-test-set.test.ts', 'nothing, but it checks the unit set and belongs to the full run'],
]);
/** Files under a unit/ folder that secretly need more than a unit test may (none today). */
const unitFolderExceptions = new Map<string, string>();
/** What a unit test may not import: the test database, child processes, listeners, the stack's fixtures. */
const forbiddenImport = /^import[^;]*from '(node:child_process|node:net|node:http|node:https|[^']*testing\/test-database|[^']*fixtures\/(global-database|http-server|run-up|test-stack|gateway-in-front|audit-fault-relay|azure-stand-in|recording-proxy))'/m;

function testFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'dist' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [relative(repositoryRoot, path)] : [];
  });
}

const unitConfig = JSON.parse(readFileSync(join(repositoryRoot, '.mocharc.unit.json'), 'utf8')) as { spec: string[]; ignore: string[] };
/** A spec entry of compiled output, as the source path (or folder prefix) it comes from. */
const source = (entry: string): string => entry.replace('/dist/', '/').replace(/\.js$/, '.ts');
const sources = unitConfig.spec.map(source);
const ignored = unitConfig.ignore.map(source);
/** `folder/**` takes every test below the folder, `folder/*` only those directly in it. */
const folders = sources.filter((entry) => entry.endsWith('*.test.ts')).map((entry) => entry.replace(/(\*\*\/)?\*\.test\.ts$/, ''));
const inFolder = (file: string, folder: string): boolean =>
  file.startsWith(folder) && (sources.includes(`${folder}**/*.test.ts`) || !file.slice(folder.length).includes('/'));
const files = sources.filter((entry) => !entry.includes('*'));
const workspaces = readdirSync(join(repositoryRoot, 'src'));
const allTests = [...workspaces.flatMap((w) => testFiles(join(repositoryRoot, 'src', w, 'test'))), ...testFiles(join(repositoryRoot, 'test'))];
const unitSet = allTests.filter((file) => !ignored.includes(file) && (files.includes(file) || folders.some((folder) => inFolder(file, folder))));

describe('npm run test:unit keeps every unit test (.mocharc.unit.json)', () => {
  it('every file it names exists, and every folder it names holds tests', () => {
    for (const file of files) assert.ok(existsSync(join(repositoryRoot, file)), `${file} is in .mocharc.unit.json but does not exist`);
    for (const file of ignored) assert.ok(existsSync(join(repositoryRoot, file)), `${file} is ignored by .mocharc.unit.json but does not exist`);
    for (const folder of folders) assert.ok(allTests.some((file) => inFolder(file, folder)), `${folder} holds no test`);
  });

  it('runs every file under a unit/ folder, but for the documented exceptions', () => {
    const inUnitFolders = allTests.filter((file) => file.includes('/test/unit/') && !unitFolderExceptions.has(file));
    assert.ok(inUnitFolders.length >= 11, `only ${inUnitFolders.length} files under unit/ folders`);
    assert.deepEqual(inUnitFolders.filter((file) => !unitSet.includes(file)), []);
  });

  it('every flat test file is in the unit set or says what more it needs', () => {
    const flat = allTests.filter((file) => !/\/test\/(unit|integration|component|contract)\//.test(file));
    assert.deepEqual(flat.filter((file) => !unitSet.includes(file) && !needsMoreThanUnit.has(file)), []);
    assert.deepEqual([...needsMoreThanUnit.keys()].filter((file) => !flat.includes(file) || unitSet.includes(file)), []);
  });

  it('no file in the unit set imports the database, a child process, a listener or the stack', () => {
    assert.deepEqual(unitSet.filter((file) => forbiddenImport.test(readFileSync(join(repositoryRoot, file), 'utf8'))), []);
  });
});
