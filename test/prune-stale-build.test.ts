import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './repository-root';

const run = promisify(execFile);

describe('a build on a clone that was built before (scripts/prune-stale-build.cjs)', () => {
  let tree: string;
  const write = (path: string): void => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), '');
  };
  beforeEach(() => { tree = mkdtempSync(join(tmpdir(), 'prune-stale-build-')); });
  afterEach(() => { rmSync(tree, { recursive: true, force: true }); });

  it('removes the compiled files of deleted or moved sources, so their old tests no longer run, and keeps the rest', async () => {
    write('src/App/src/kept.ts');
    write('src/App/test/kept.test.ts');
    write('test/moved-here.test.ts');
    const kept = ['src/App/dist/src/kept.js', 'src/App/dist/src/kept.d.ts', 'src/App/dist/src/kept.js.map', 'src/App/dist/test/kept.test.js', 'src/App/dist/src/data/collections.json', 'src/App/dist/.tsbuildinfo', 'test/dist/moved-here.test.js'];
    const stale = ['src/App/dist/src/gone.js', 'src/App/dist/src/gone.d.ts', 'src/App/dist/src/gone.js.map', 'src/App/dist/src/gone.d.ts.map', 'src/App/dist/test/moved-here.test.js', 'src/App/dist/src/old/only.js', 'test/dist/gone.test.js'];
    for (const path of [...kept, ...stale]) write(path);

    const { stdout } = await run(process.execPath, [join(repositoryRoot, 'scripts', 'prune-stale-build.cjs'), tree]);

    assert.deepEqual(kept.filter((path) => !existsSync(join(tree, path))), [], 'nothing with a source is removed');
    assert.deepEqual(stale.filter((path) => existsSync(join(tree, path))), [], 'every output without a source is removed');
    assert.equal(existsSync(join(tree, 'src/App/dist/src/old')), false, 'a folder left empty goes too');
    assert.match(stdout, /Removed 7 compiled files whose source is gone/);
  });

  it('says nothing and changes nothing when every output has its source', async () => {
    write('src/App/src/kept.ts');
    write('src/App/dist/src/kept.js');
    const { stdout } = await run(process.execPath, [join(repositoryRoot, 'scripts', 'prune-stale-build.cjs'), tree]);
    assert.equal(stdout, '');
    assert.equal(existsSync(join(tree, 'src/App/dist/src/kept.js')), true);
  });
});
