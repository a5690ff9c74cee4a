import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Accepts any of the configured keys. Both sides are hashed first so the comparison takes the same
 * time whatever the length of the presented key.
 */
export class KeyRing {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((key) => key.length > 0).map(digest);
  }

  accepts(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const presented = digest(candidate);
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(known, presented) || ok;
    return ok;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
