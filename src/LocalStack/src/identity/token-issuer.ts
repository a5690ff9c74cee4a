import { randomBytes } from 'node:crypto';
import { holderKinds, localApis, localTenantId, readAppRoles, rolesOf, type ApiName, type AppRoles, type LocalIdentity } from './local-directory';
import { SigningKeys } from './signing-keys';

/** The issuer of a local tenant's v2 tokens: what Entra writes into `iss`, with the local authority in front. */
export function issuerOf(authority: string, tenantId = localTenantId): string {
  return `${authority.replace(/\/$/, '')}/${tenantId}/v2.0`;
}

export interface IssuedAccessToken {
  readonly token: string;
  /** Seconds since the epoch, as the managed identity protocol's `expires_on`. */
  readonly expiresOn: number;
}

/** The tokens a local tenant issues: v2 access tokens shaped as Entra's, for the roles its identities hold. */
export class LocalTokenIssuer {
  private readonly appRoles: Record<ApiName, AppRoles>;

  constructor(
    private readonly keys: SigningKeys,
    private readonly authority: string,
    repositoryRoot: string,
  ) {
    this.appRoles = { patient_tests: readAppRoles(repositoryRoot, 'patient_tests'), audit: readAppRoles(repositoryRoot, 'audit') };
  }

  /** The issuer of a stack that has run: its key file (kept by the identity service) and its authority. */
  static async open(keyFile: string, authority: string, repositoryRoot: string): Promise<LocalTokenIssuer> {
    return new LocalTokenIssuer(await SigningKeys.open(keyFile), authority, repositoryRoot);
  }

  /** An API's role declaration, as read once from its app-roles.json. */
  appRolesOf(api: ApiName): AppRoles {
    return this.appRoles[api];
  }

  /** The API whose application (client) id is `audience`, if it is one of ours. */
  apiOf(audience: string): ApiName | undefined {
    const normalized = audience.replace(/\/\.default$/, '').replace(/^api:\/\//, '').toLowerCase();
    return (Object.keys(localApis) as ApiName[]).find((api) => localApis[api].clientId === normalized);
  }

  /** The roles the identity holds on the API; empty means Entra would issue no token (assignment required). */
  rolesOf(identity: LocalIdentity, api: ApiName): string[] {
    return rolesOf(identity, this.appRoles[api]);
  }

  async issue(identity: LocalIdentity, api: ApiName, lifetimeSeconds: number): Promise<IssuedAccessToken> {
    const roles = this.rolesOf(identity, api);
    if (roles.length === 0) throw new Error(`${identity.name} holds no role on the ${localApis[api].displayName}`);
    const assigned = new Set(Object.values(this.appRoles[api].roles).flatMap((role) => role.holders.flatMap((kind) => holderKinds[kind] ?? [])));
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    const key = this.keys.current;
    const claims: Record<string, unknown> = {
      ver: '2.0',
      tid: localTenantId,
      oid: identity.objectId,
      sub: identity.objectId,
      azp: identity.clientId,
      azpacr: '2',
      idtyp: identity.kind === 'user' ? 'user' : 'app',
      roles,
      uti: randomBytes(16).toString('base64url'),
    };
    // With group claims limited to the groups assigned to the API (env/identity: ApplicationGroup).
    const groups = identity.groups.filter((group) => assigned.has(group));
    if (groups.length > 0) claims.groups = groups;
    if (identity.kind === 'user') claims.name = identity.name;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(issuerOf(this.authority))
      .setAudience(localApis[api].clientId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(key.privateKey);
    return { token, expiresOn: now + lifetimeSeconds };
  }
}
