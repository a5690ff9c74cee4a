import type { JWSHeaderParameters, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import type { AuthConfig } from '../config/auth-settings';
import { ServiceUnavailableError, UnauthorizedError } from '../errors/api-errors';
import { IssuerKeys, SigningKeysUnavailableError } from './issuer-keys';
import { loadJose } from './jose';
import type { VerifiedCaller } from './verified-caller';

/** Entra's tokens are RS256; pinning it refuses `none`, HMAC with a public key as secret, and anything else. */
const algorithms = ['RS256'];
/** Clocks of issuer and app may differ a little; a minute, not the five minutes some libraries allow. */
const clockToleranceSeconds = 60;
/** Entra's access tokens are a few kilobytes; a header far beyond is not one and is not parsed. */
const maxTokenLength = 16_384;
const bearer = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks an access token as Entra ID issues them (v2): the signature against the issuer's published keys,
 * the algorithm, issuer, audience (this API), tenant, version and lifetime; and says who the caller is.
 * Whether that caller may do what it asks is access-rules.ts's decision. Every failure is the same 401 for
 * the caller; the logs get the name of the failed check, never the token or its claims.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly config: AuthConfig,
    private readonly keys: IssuerKeys = new IssuerKeys(config.jwksUri),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async verify(authorization: string | null): Promise<VerifiedCaller> {
    if (authorization === null || authorization.trim() === '') throw new UnauthorizedError('no token', false);
    const token = authorization.length > maxTokenLength ? undefined : bearer.exec(authorization.trim())?.[1];
    if (token === undefined) throw new UnauthorizedError('not a bearer token');
    const { jwtVerify } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, this.keyFor, {
        algorithms,
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp', 'iat', 'oid', 'tid'],
        currentDate: this.now(),
      });
      return this.callerOf(payload);
    } catch (error: unknown) {
      throw refusal(error);
    }
  }

  /** Entra's tokens always name their key; one without would match whichever key the set holds. */
  private readonly keyFor = (header: JWSHeaderParameters) => {
    if (typeof header.kid !== 'string') throw new UnauthorizedError('no key id');
    return this.keys.keyFor(header);
  };

  private callerOf(payload: JWTPayload): VerifiedCaller {
    if (String(payload.tid).toLowerCase() !== this.config.tenantId) throw new UnauthorizedError('another tenant');
    // v1 tokens have another issuer and audience form; the API registrations ask for v2 (env/identity).
    if (payload.ver !== '2.0') throw new UnauthorizedError('not a v2 token');
    const objectId = String(payload.oid).toLowerCase();
    if (!guid.test(objectId)) throw new UnauthorizedError('no caller object id');
    return {
      objectId,
      clientId: typeof payload.azp === 'string' ? payload.azp.toLowerCase() : undefined,
      roles: strings(payload.roles),
      groups: strings(payload.groups).map((group) => group.toLowerCase()),
    };
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** What the caller is told (401, or 503 when the keys cannot be had) and what the logs name. */
function refusal(error: unknown): Error {
  if (error instanceof UnauthorizedError || error instanceof ServiceUnavailableError) return error;
  if (error instanceof SigningKeysUnavailableError) {
    return new ServiceUnavailableError('Access tokens cannot be checked right now; nothing was done. Retry shortly.', 5, {
      cause: error,
      diagnostic: 'the issuer\'s signing keys could not be fetched',
    });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const claim = typeof error === 'object' && error !== null && 'claim' in error ? String(error.claim) : '';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new UnauthorizedError('expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new UnauthorizedError(({ nbf: 'not yet valid', iat: 'issued in the future', iss: 'another issuer', aud: 'another audience' } as Record<string, string>)[claim] ?? `claim ${claim}`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new UnauthorizedError('bad signature');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new UnauthorizedError('algorithm not allowed');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new UnauthorizedError('unknown signing key');
    default:
      return new UnauthorizedError('malformed token');
  }
}
