import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
import { z } from 'zod';

type Jose = typeof JoseModule;

const stored = z.object({
  /** Newest last; the last one signs, the others are still published (tokens they signed stay valid). */
  keys: z.array(z.object({ kid: z.string().min(1), privateJwk: z.record(z.string(), z.unknown()), createdAt: z.string() })).min(1),
});

/** One signing key: its id, the private key to sign with and the public JWK to publish. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly createdAt: string;
}

/**
 * The local identity service's signing keys, generated at first start into an ignored file (mode 0600, like
 * the other local secrets) and reused after that, so tokens and key sets survive a restart. A rotation adds a
 * key that signs from then on and keeps the previous one published, as Entra rolls its keys over.
 */
export class SigningKeys {
  private constructor(
    private readonly path: string,
    private keys: SigningKey[],
    private readonly jose: Jose,
  ) {}

  static async open(path: string): Promise<SigningKeys> {
    const jose = await import('jose');
    if (!existsSync(path)) {
      const store = new SigningKeys(path, [], jose);
      await store.rotate();
      return store;
    }
    const file = stored.parse(JSON.parse(readFileSync(path, 'utf8')));
    const keys = await Promise.all(file.keys.map((entry) => keyFrom(jose, entry.kid, entry.privateJwk as JWK, entry.createdAt)));
    return new SigningKeys(path, keys, jose);
  }

  /** The key that signs now. */
  get current(): SigningKey {
    const key = this.keys.at(-1);
    if (key === undefined) throw new Error('no signing key');
    return key;
  }

  /** The published key set (JWKS): every key still held, public parts only. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  /** A new signing key; the previous one stays published, older ones are dropped. */
  async rotate(): Promise<SigningKey> {
    const { privateKey } = await this.jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const privateJwk = await this.jose.exportJWK(privateKey);
    const kid = await this.jose.calculateJwkThumbprint(privateJwk);
    const key = await keyFrom(this.jose, kid, privateJwk, new Date().toISOString());
    this.keys = [...this.keys.slice(-1), key];
    this.save();
    return key;
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const entries = this.keys.map((key) => ({ kid: key.kid, privateJwk: privateJwks.get(key), createdAt: key.createdAt }));
    // Written whole and then renamed, so a reader never sees half a file.
    const partial = `${this.path}.partial`;
    writeFileSync(partial, `${JSON.stringify({ keys: entries }, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, this.path);
  }
}

const privateJwks = new WeakMap<SigningKey, JWK>();

async function keyFrom(jose: Jose, kid: string, privateJwk: JWK, createdAt: string): Promise<SigningKey> {
  const privateKey = (await jose.importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey;
  const { kty, n, e } = privateJwk;
  const key: SigningKey = { kid, privateKey, publicJwk: { kty, n, e, kid, use: 'sig', alg: 'RS256' }, createdAt };
  privateJwks.set(key, privateJwk);
  return key;
}
