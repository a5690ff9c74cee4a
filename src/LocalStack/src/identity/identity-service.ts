import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { KeyRing } from '../http/key-ring';
import { issuerOf, LocalTokenIssuer } from './token-issuer';
import { localApis, localTenantId, type LocalIdentity } from './local-directory';
import { SigningKeys } from './signing-keys';

/** A place that holds managed identities (a function app, the gateway), as an App Service site does. */
export interface IdentitySite {
  readonly name: string;
  readonly identities: readonly LocalIdentity[];
}

export interface IdentityServiceOptions {
  /** The repository, whose app-roles.json files say who holds which role. */
  readonly root: string;
  /** Where the signing keys are kept (created at first start). */
  readonly keyFile: string;
  /** 0 lets the OS pick. */
  readonly port: number;
  readonly sites: readonly IdentitySite[];
  /** How long the managed identities' tokens last (Entra's are valid for hours; 1 hour here). */
  readonly tokenLifetimeSeconds?: number;
  readonly log?: (line: string) => void;
}

/** What can be made to fail, to show that every consumer fails closed. */
export interface IdentityFaults {
  /** The managed identity endpoint answers 503 (the platform's token service is down). */
  readonly managedIdentity?: boolean;
  /** The published key set answers 503 (Entra's keys endpoint out of reach). */
  readonly keys?: boolean;
}

export interface RunningIdentityService {
  /** The authority (AUTH_AUTHORITY of the apps): `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly tenantId: string;
  readonly issuer: string;
  /** IDENTITY_ENDPOINT of every site. */
  readonly managedIdentityEndpoint: string;
  readonly tokens: LocalTokenIssuer;
  /** IDENTITY_HEADER of one site: the secret that lets it ask for its own identities' tokens. */
  headerOf(site: string): string;
  /** A new signing key signs from now on; the previous one stays published. Returns the new key's id. */
  rotateSigningKey(): Promise<string>;
  faults(faults: IdentityFaults): void;
  stop(): Promise<void>;
}

const apiVersion = '2019-08-01';

/**
 * The local stand-in for what Azure gives an app and its callers, on 127.0.0.1 only: the App Service
 * managed identity endpoint (IDENTITY_ENDPOINT with the site's IDENTITY_HEADER, api-version 2019-08-01), so
 * @azure/identity's ManagedIdentityCredential runs unchanged, and an Entra-shaped issuer: its OpenID
 * configuration and key set at Entra's v2 paths. Tokens are issued as Entra issues them with app role
 * assignment required: only for an API the identity holds a role on, with those roles.
 */
export async function startIdentityService(options: IdentityServiceOptions): Promise<RunningIdentityService> {
  const keys = await SigningKeys.open(options.keyFile);
  const headers = new Map(options.sites.map((site) => [site.name, randomBytes(24).toString('base64url')]));
  // Which site a presented IDENTITY_HEADER belongs to, compared as every key of the stack is (key-ring.ts).
  const sites = new KeyRing(options.sites.map((site) => [headers.get(site.name) ?? '', site] as const));
  const lifetime = options.tokenLifetimeSeconds ?? 3_600;
  let faults: IdentityFaults = {};
  const server = createServer((req, res) => {
    serve(req, res).catch(() => { if (!res.headersSent) fail(res, 500, 'server_error', 'the local identity service failed'); });
  });
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;
  const tokens = new LocalTokenIssuer(keys, url, options.root);
  const issuer = issuerOf(url);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    if (req.method !== 'GET') {
      fail(res, 405, 'invalid_request', 'only GET is served');
      return;
    }
    if (requestUrl.pathname === '/msi/token') {
      await managedIdentityToken(req, res, requestUrl);
      return;
    }
    if (requestUrl.pathname === `/${localTenantId}/v2.0/.well-known/openid-configuration`) {
      json(res, 200, {
        issuer,
        jwks_uri: `${url}/${localTenantId}/discovery/v2.0/keys`,
        authorization_endpoint: `${url}/${localTenantId}/oauth2/v2.0/authorize`,
        token_endpoint: `${url}/${localTenantId}/oauth2/v2.0/token`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: null,
      });
      return;
    }
    if (requestUrl.pathname === `/${localTenantId}/discovery/v2.0/keys`) {
      if (faults.keys === true) {
      fail(res, 503, 'temporarily_unavailable', 'the key set is unavailable (a fault set by a test)');
      return;
    }
      json(res, 200, keys.jwks());
      return;
    }
    fail(res, 404, 'not_found', 'nothing is served at this path');
  }

  async function managedIdentityToken(req: IncomingMessage, res: ServerResponse, requestUrl: URL): Promise<void> {
    const presented = req.headers['x-identity-header'];
    const site = sites.ownerOf(typeof presented === 'string' ? presented : undefined);
    if (site === undefined) {
      fail(res, 401, 'unauthorized_client', 'X-IDENTITY-HEADER is missing or wrong');
      return;
    }
    if (faults.managedIdentity === true) {
      fail(res, 503, 'temporarily_unavailable', 'the managed identity endpoint is unavailable (a fault set by a test)');
      return;
    }
    const query = requestUrl.searchParams;
    if (query.get('api-version') !== apiVersion) {
      fail(res, 400, 'invalid_request', `api-version must be ${apiVersion}`);
      return;
    }
    const resource = query.get('resource') ?? '';
    const api = tokens.apiOf(resource);
    if (api === undefined) {
      fail(res, 400, 'invalid_resource', `AADSTS500011: the resource principal named ${resource} was not found in the tenant`);
      return;
    }
    const clientId = query.get('client_id')?.toLowerCase();
    // A site of ours holds user-assigned identities only, as the apps in env/ do; one is named by client id.
    const identity = site.identities.find((candidate) => candidate.clientId === clientId);
    if (identity === undefined) {
      fail(res, 400, 'invalid_request', 'no user-assigned identity of this site has that client_id');
      return;
    }
    if (tokens.rolesOf(identity, api).length === 0) {
      fail(res, 400, 'invalid_grant', `AADSTS501051: the identity is not assigned to a role for the application ${localApis[api].clientId}`);
      return;
    }
    const issued = await tokens.issue(identity, api, lifetime);
    options.log?.(JSON.stringify({ event: 'token issued', identity: identity.name, api }));
    json(res, 200, { access_token: issued.token, expires_on: String(issued.expiresOn), resource, token_type: 'Bearer', client_id: identity.clientId });
  }

  return {
    url,
    tenantId: localTenantId,
    issuer,
    managedIdentityEndpoint: `${url}/msi/token`,
    tokens,
    headerOf(site) {
      const header = headers.get(site);
      if (header === undefined) throw new Error(`no identity site ${site}`);
      return header;
    },
    async rotateSigningKey() {
      return (await keys.rotate()).kid;
    },
    faults(next) {
      faults = next;
    },
    stop: () => new Promise((done) => { server.close(() => { done(); }); server.closeAllConnections(); }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** An error as Entra and the App Service endpoint shape them; MSAL reads `error` and `error_description`. */
function fail(res: ServerResponse, status: number, error: string, description: string): void {
  json(res, status, { error, error_description: description, statusCode: status, message: description });
}
