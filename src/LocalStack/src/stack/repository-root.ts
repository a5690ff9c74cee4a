import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo's root: the nearest folder above `from` whose package.json declares workspaces. */
export function repositoryRoot(from: string = __dirname): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return folder;
    if (dirname(folder) === folder) throw new Error(`no workspace root above ${from}`);
  }
}
