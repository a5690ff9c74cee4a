import type { z } from 'zod';
import { setting } from './settings';

/**
 * How both apps check the access tokens of their callers: the Entra tenant, this API's own application
 * (client) id, which tokens must be issued for, and the authority that issues them. Only the local stack
 * sets AUTH_AUTHORITY (its identity service on 127.0.0.1); in Azure it is Entra ID's.
 */
export const authSettings = {
  AUTH_TENANT_ID: setting.guid(),
  AUTH_APPLICATION_ID: setting.guid(),
  AUTH_AUTHORITY: setting.authority('https://login.microsoftonline.com'),
};

type AuthSettingValues = z.infer<z.ZodObject<typeof authSettings>>;

export interface AuthConfig {
  readonly tenantId: string;
  /** The `aud` every token must carry: this API's application (client) id (v2 tokens carry the GUID). */
  readonly audience: string;
  /** The v2 issuer: `{authority}/{tenant}/v2.0`, exactly as Entra writes `iss`. */
  readonly issuer: string;
  /** Where the issuer publishes its signing keys (Entra's v2 layout; the local identity service serves the same). */
  readonly jwksUri: string;
}

export function authConfigOf(values: AuthSettingValues): AuthConfig {
  const authority = values.AUTH_AUTHORITY.replace(/\/$/, '');
  return {
    tenantId: values.AUTH_TENANT_ID,
    audience: values.AUTH_APPLICATION_ID,
    issuer: `${authority}/${values.AUTH_TENANT_ID}/v2.0`,
    jwksUri: `${authority}/${values.AUTH_TENANT_ID}/discovery/v2.0/keys`,
  };
}

/**
 * An API's app roles and the kinds of identity that hold each (the app's functions/app-roles.json): the one
 * declaration env/ and the local stack follow too.
 */
export interface AppRoleDeclaration<Role extends string = string> {
  readonly roles: Readonly<Record<Role, { readonly holders: readonly string[] }>>;
}

/** The setting that lists the object ids of one kind of holder: `api_management` → AUTH_API_MANAGEMENT_OBJECT_IDS. */
export function holderSettingName(kind: string): string {
  return `AUTH_${kind.toUpperCase()}_OBJECT_IDS`;
}

/** Every kind of holder the declaration's roles name, once each. */
export function holderKindsOf(declaration: AppRoleDeclaration): string[] {
  return [...new Set(Object.values<{ readonly holders: readonly string[] }>(declaration.roles).flatMap((role) => role.holders))];
}

/** One setting per kind of holder the declaration names, each a list of object ids (none when unset). */
export function roleHolderSettings(declaration: AppRoleDeclaration): Record<string, ReturnType<typeof setting.guidList>> {
  return Object.fromEntries(holderKindsOf(declaration).map((kind) => [holderSettingName(kind), setting.guidList()]));
}

/** The object ids of each kind of holder, from the decoded settings. */
export function holderObjectIdsOf(declaration: AppRoleDeclaration, values: Readonly<Record<string, unknown>>): Record<string, string[]> {
  return Object.fromEntries(holderKindsOf(declaration).map((kind) => [kind, values[holderSettingName(kind)] as string[]]));
}

/** Each role's identities: the object ids of all its holders, from the decoded settings. */
export function roleHoldersOf<Role extends string>(declaration: AppRoleDeclaration<Role>, values: Readonly<Record<string, unknown>>): Record<Role, string[]> {
  const entries = Object.entries<{ readonly holders: readonly string[] }>(declaration.roles).map(([role, { holders }]) => [
    role,
    holders.flatMap((kind) => values[holderSettingName(kind)] as string[]),
  ]);
  return Object.fromEntries(entries) as Record<Role, string[]>;
}
