// `node scripts/copy-production-dependencies.cjs <workspace> <stage>`: copies into <stage>/node_modules
// exactly the packages the workspace needs in production, as `npm ci` installed them from the lock file and
// as the tests ran them (`npm ls --omit=dev --all --parseable`), instead of resolving versions afresh. The
// shared workspace package comes from its packed tarball (unpacked by the caller into
// <stage>/node_modules/@patient-tests/shared); packages npm nested under it go beside it.
const { execFileSync } = require('node:child_process');
const { cpSync, existsSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const [workspace, stage] = process.argv.slice(2);
const root = join(__dirname, '..');
const shared = join(root, 'src', 'shared');
const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspace', workspace], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

let copied = 0;
for (const folder of listed) {
  let target;
  if (folder.startsWith(join(root, 'node_modules') + sep)) {
    target = join(stage, relative(root, folder));
  } else if (folder.startsWith(join(shared, 'node_modules') + sep)) {
    target = join(stage, 'node_modules', '@patient-tests', 'shared', relative(shared, folder));
  } else if (folder === root || folder === join(root, workspace) || folder === shared) {
    continue; // the repository itself, the app (staged by the caller) and the shared package (packed)
  } else {
    throw new Error(`${folder}: a production dependency installed where the package layout does not expect one`);
  }
  // Workspace links in the root node_modules are the app and the shared package: both handled above.
  if (relative(root, folder).startsWith(join('node_modules', '@patient-tests'))) continue;
  if (!existsSync(folder)) throw new Error(`${folder} is listed but not installed: run npm ci`);
  cpSync(folder, target, { recursive: true, filter: (source) => !relative(folder, source).split(sep).includes('node_modules') });
  copied += 1;
}
process.stdout.write(`${copied} production packages copied from the installed tree\n`);
