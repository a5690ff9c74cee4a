import { LocalTokenIssuer } from '../identity/token-issuer';
import type { ApiName, LocalIdentity } from '../identity/local-directory';
import { repositoryRoot } from '../stack/repository-root';
import type { StackStatus } from '../stack/stack-status';

/**
 * A token of any local identity for an API of a running stack, signed with the stack's key as its identity
 * service signs them: what a test needs to act as a managed identity (an app, the gateway) without going
 * through the app that holds it. Tests only: `npm run token` serves the identities that get tokens themselves.
 */
export async function localTokenFor(status: StackStatus, identity: LocalIdentity, api: ApiName, lifetimeSeconds = 600): Promise<string> {
  const issuer = await LocalTokenIssuer.open(status.identity.keyFile, status.identity.url, repositoryRoot());
  return (await issuer.issue(identity, api, lifetimeSeconds)).token;
}
