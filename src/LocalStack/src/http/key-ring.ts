import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Finds whose key a caller presented. Both sides are hashed first and every known key is compared, so
 * the time taken says nothing about the presented key or about which key matched.
 */
export class KeyRing<Owner> {
  private readonly entries: readonly { readonly digest: Buffer; readonly owner: Owner }[];

  constructor(entries: Iterable<readonly [key: string, owner: Owner]>) {
    this.entries = [...entries].filter(([key]) => key.length > 0).map(([key, owner]) => ({ digest: digest(key), owner }));
  }

  ownerOf(candidate: string | null | undefined): Owner | undefined {
    if (!candidate) return undefined;
    const presented = digest(candidate);
    let found: Owner | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, presented)) found = entry.owner;
    return found;
  }

  accepts(candidate: string | null | undefined): boolean {
    return this.ownerOf(candidate) !== undefined;
  }
}

/** A ring of interchangeable keys (a function app's keys), owned by their position. */
export function keyRingOf(keys: readonly string[]): KeyRing<number> {
  return new KeyRing(keys.map((key, index) => [key, index] as const));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
