import type * as AzureIdentity from '@azure/identity';
import { CachedAccessTokens, type AccessTokenSource } from './access-tokens';

export interface ManagedIdentityTokenSettings {
  /** The client id of the user-assigned identity to use (the app's own; Flex apps here have no other). */
  readonly clientId: string;
  /** The application (client) id of the API the token is for: the `aud` of the token. */
  readonly audience: string;
}

/**
 * Tokens of this app's managed identity for one API, through @azure/identity's ManagedIdentityCredential:
 * in Azure the platform's identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER); on the local stack the
 * local identity service, which speaks the same protocol on 127.0.0.1. Only this credential, never a chain:
 * nothing else is tried, probed or read.
 */
export function managedIdentityTokens(settings: ManagedIdentityTokenSettings): AccessTokenSource {
  let credential: AzureIdentity.ManagedIdentityCredential | undefined;
  return new CachedAccessTokens(async (signal) => {
    // Loaded with the first token, not with the entry file: the library is large and a cold start waits for it.
    // No retries inside the credential: its back-off (seconds, then tens of seconds) outlasts the request that
    // is waiting, and one stuck acquisition would hold up every request after the endpoint is back. A request
    // that finds no token fails closed (503); the next one asks again.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred, synchronous load
    credential ??= new (require('@azure/identity') as typeof AzureIdentity).ManagedIdentityCredential({ clientId: settings.clientId, retryOptions: { maxRetries: 0 } });
    const token = await credential.getToken(`${settings.audience}/.default`, { abortSignal: signal });
    return token;
  });
}
