import { CachedAccessTokens, type AccessTokenSource } from '@patient-tests/shared/auth';
import { z } from 'zod';
import type { ApiPolicy } from './api-policy';

/** Where the gateway asks for its managed identity's tokens (the App Service protocol API Management's platform speaks). */
export interface GatewayManagedIdentity {
  readonly endpoint: string;
  readonly header: string;
}

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_on: z.coerce.number().int().positive() });

/**
 * `authentication-managed-identity` as API Management applies it: a token of its identity for the policy's
 * `resource`, cached until shortly before it expires, sent to the backend as `Authorization: Bearer`. The
 * token comes from the identity endpoint, never from anything the client sent.
 */
export function backendTokens(policy: ApiPolicy, namedValues: Readonly<Record<string, string>>, identity: GatewayManagedIdentity | undefined): AccessTokenSource | undefined {
  const authentication = policy.backendAuthentication;
  if (authentication === undefined) return undefined;
  if (identity === undefined) throw new Error('the policy authenticates to the backend with a managed identity, and the gateway was given none');
  const resource = authentication.resource.resolveOnce(namedValues, 'authentication-managed-identity resource');
  const clientId = authentication.clientId?.resolveOnce(namedValues, 'authentication-managed-identity client-id');
  return new CachedAccessTokens(async (signal) => {
    const url = new URL(identity.endpoint);
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', resource);
    if (clientId !== undefined) url.searchParams.set('client_id', clientId);
    const response = await fetch(url, { headers: { 'x-identity-header': identity.header }, signal });
    if (response.status !== 200) throw new Error(`the identity endpoint answered ${response.status}`);
    const answer = tokenAnswer.parse(await response.json());
    return { token: answer.access_token, expiresOnTimestamp: answer.expires_on * 1000 };
  });
}
