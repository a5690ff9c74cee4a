import { join } from 'node:path';
import type { GatewayManagedIdentity } from '../gateway/backend-token';
import { startIdentityService, type RunningIdentityService } from '../identity/identity-service';
import { localIdentities, type ApiName } from '../identity/local-directory';
import type { AppIdentity } from './app-settings';

/** What the identity service calls the places that hold managed identities: as many as App Service sites. */
const sites = { audit: 'audit-app', patient_tests: 'patient-tests-app', gateway: 'api-management' } as const;

export interface StackIdentity {
  readonly service: RunningIdentityService;
  /** What an app is told about its identity and its callers' tokens (app-settings.ts turns it into settings). */
  readonly identityFor: (api: ApiName) => AppIdentity;
  /** The gateway's managed identity (API Management's). */
  readonly gateway: GatewayManagedIdentity;
}

/**
 * The identity service of a stack, with a site per app and one for the gateway, each holding its own
 * user-assigned identity as in env/ (identities.tf): the Audit app, the PatientTests app, API Management.
 * Its signing keys live in `<stateDirectory>/identity/`.
 */
export async function startStackIdentity(options: { root: string; stateDirectory: string; port: number; tokenLifetimeSeconds?: number | undefined }): Promise<StackIdentity> {
  const service = await startIdentityService({
    root: options.root,
    keyFile: signingKeyFile(options.stateDirectory),
    port: options.port,
    sites: [
      { name: sites.audit, identities: [localIdentities.audit] },
      { name: sites.patient_tests, identities: [localIdentities.patientTests] },
      { name: sites.gateway, identities: [localIdentities.apiManagement] },
    ],
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
  });
  return {
    service,
    identityFor: (api) => ({
      authority: service.url,
      endpoint: service.managedIdentityEndpoint,
      header: service.headerOf(sites[api]),
      appRoles: service.tokens.appRolesOf(api),
    }),
    gateway: { endpoint: service.managedIdentityEndpoint, header: service.headerOf(sites.gateway) },
  };
}

export function signingKeyFile(stateDirectory: string): string {
  return join(stateDirectory, 'identity', 'signing-keys.json');
}
