#!/usr/bin/env node
// Deletes compiled files whose TypeScript source is gone. `tsc -b` never removes the output of a
// deleted or moved source file, and mocha runs every `dist/**/*.test.js`: on a clone that was built
// before a file moved, the old copy would still run (and still ship, for a package that is packed).
// Each project compiles `<project>/<path>.ts` to `<project>/dist/<path>.js` (rootDir "."), so the
// source of an output is found by that rule alone. Usage: prune-stale-build.cjs [repository root]
'use strict';
const { existsSync, readdirSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const outputSuffixes = ['.d.ts.map', '.js.map', '.d.ts', '.js'];

function* filesBelow(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* filesBelow(path);
    else yield path;
  }
}

/** Removes the folders below `folder` that the pruning left empty; true when `folder` itself is empty. */
function removeEmptyFolders(folder) {
  let empty = true;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && removeEmptyFolders(path)) rmSync(path, { recursive: true });
    else empty = false;
  }
  return empty;
}

function sourceOf(project, output) {
  const suffix = outputSuffixes.find((candidate) => output.endsWith(candidate));
  if (!suffix) return undefined;
  const stem = relative(join(project, 'dist'), output).slice(0, -suffix.length);
  return [join(project, `${stem}.ts`), join(project, `${stem}.tsx`)];
}

function pruneStaleBuild(root) {
  const projects = [
    ...readdirSync(join(root, 'src'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(root, 'src', entry.name)),
    join(root, 'test'),
  ];
  const removed = [];
  for (const project of projects) {
    const dist = join(project, 'dist');
    if (!existsSync(dist)) continue;
    for (const output of filesBelow(dist)) {
      const sources = sourceOf(project, output);
      if (sources && !sources.some((source) => existsSync(source))) {
        rmSync(output);
        removed.push(relative(root, output));
      }
    }
    removeEmptyFolders(dist);
  }
  return removed;
}

const removed = pruneStaleBuild(process.argv[2] ?? join(__dirname, '..'));
if (removed.length > 0) process.stdout.write(`Removed ${removed.length} compiled files whose source is gone.\n`);
