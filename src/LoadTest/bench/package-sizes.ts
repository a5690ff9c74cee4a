import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The deployment zip of each app, as scripts/package-functions.sh builds it, in KiB. */
export function measurePackageSizes(root: string): { readonly app: string; readonly zipKiB: number }[] {
  const out = mkdtempSync(join(tmpdir(), 'patient-tests-packages-'));
  try {
    execFileSync('bash', [join(root, 'scripts', 'package-functions.sh'), out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    return ['AuditApi', 'PatientTestsApi'].map((app) => ({ app, zipKiB: statSync(join(out, `${app}.zip`)).size / 1024 }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
