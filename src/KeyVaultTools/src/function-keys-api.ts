import type { TokenCredential } from '@azure/core-auth';

/** The Azure Resource Manager calls a rotation needs, on one function app at a time. */
export interface FunctionKeysApi {
  listFunctionKeys(siteId: string): Promise<Record<string, string>>;
  putFunctionKey(siteId: string, name: string, value: string): Promise<void>;
  deleteFunctionKey(siteId: string, name: string): Promise<void>;
  /** Restarting makes the platform read Key Vault references again; resolves once the app is back. */
  restart(siteId: string): Promise<void>;
  /** Makes API Management read a Key Vault named value again. */
  refreshNamedValue(namedValueId: string): Promise<void>;
}

const apiVersion = '2024-04-01';

/** The REST calls of Microsoft.Web/sites (and one of API Management), with a token from the given credential. */
export class ArmFunctionKeysApi implements FunctionKeysApi {
  constructor(
    private readonly credential: TokenCredential,
    private readonly endpoint = 'https://management.azure.com',
  ) {}

  async listFunctionKeys(siteId: string): Promise<Record<string, string>> {
    const body = (await this.call('POST', `${siteId}/host/default/listkeys`)) as { functionKeys?: Record<string, string> };
    return body.functionKeys ?? {};
  }

  async putFunctionKey(siteId: string, name: string, value: string): Promise<void> {
    await this.call('PUT', `${siteId}/host/default/functionKeys/${encodeURIComponent(name)}`, { properties: { name, value } });
  }

  async deleteFunctionKey(siteId: string, name: string): Promise<void> {
    await this.call('DELETE', `${siteId}/host/default/functionKeys/${encodeURIComponent(name)}`);
  }

  async restart(siteId: string): Promise<void> {
    // synchronous=true: answer once the app has restarted (by default ARM answers at once and the app
    // restarts later), so the next consumer is refreshed only when this one reads the new key.
    await this.call('POST', `${siteId}/restart`, undefined, apiVersion, '&synchronous=true');
  }

  async refreshNamedValue(namedValueId: string): Promise<void> {
    await this.call('POST', `${namedValueId}/refreshSecret`, undefined, '2022-08-01');
  }

  private async call(method: string, path: string, body?: unknown, version = apiVersion, query = ''): Promise<unknown> {
    const token = await this.credential.getToken(`${this.endpoint}/.default`);
    if (!token) throw new Error('no token for Azure Resource Manager');
    const response = await fetch(`${this.endpoint}${path}?api-version=${version}${query}`, {
      method,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // The path names the app, never a key value; safe in a message.
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    return text === '' ? {} : JSON.parse(text);
  }
}
