import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The local stand-in for the Entra tenant of a deployment: the two API applications, the identities that
 * call them and who holds which app role. The role assignments are not written here: they follow from each
 * app's functions/app-roles.json (each role's holder kinds) and `holderKinds` below, exactly as env/identity
 * assigns the roles in Azure from the same files. Ids are fixed (none is a secret): a token is only as good
 * as the key that signed it, which each stack generates for itself.
 */
export const localTenantId = '1222f263-fadf-4338-903b-a8af2f0e0fd0';

export type ApiName = 'patient_tests' | 'audit';

/** The API applications (app registrations): their client ids are the audiences of tokens for them. */
export const localApis: Readonly<Record<ApiName, { readonly displayName: string; readonly clientId: string; readonly directory: string }>> = {
  patient_tests: { displayName: 'PatientTests API', clientId: 'a64315a5-7375-4fb0-b53d-485ca8c33610', directory: 'PatientTestsApi' },
  audit: { displayName: 'Audit API', clientId: 'c1631a26-bbdd-4f01-81d3-1b1b343b01d6', directory: 'AuditApi' },
};

/** How a local identity gets its tokens: from the platform's identity endpoint (a managed identity) or by itself. */
export type IdentityKind = 'managed-identity' | 'service-principal' | 'user';

export interface LocalIdentity {
  readonly name: string;
  readonly kind: IdentityKind;
  /** `azp` of its tokens; for a managed identity also what IDENTITY_ENDPOINT requests name as client_id. */
  readonly clientId: string;
  /** `oid` of its tokens. */
  readonly objectId: string;
  /** The groups it is a member of (a user's, in `groups` when the group is assigned to the API). */
  readonly groups: readonly string[];
}

/** The group auditors belong to; the Audit API's read role is assigned to it, as env/identity can assign it to an Entra group. */
export const localAuditorsGroupId = '3eeab5e2-14c8-40ac-8ec0-a95ddaa9fe50';

export const localIdentities = {
  /** API Management's identity: the gateway's, which alone may name a caller. */
  apiManagement: { name: 'api-management', kind: 'managed-identity', clientId: '8d07fc03-2e99-4f4b-b9f8-aca5fde60619', objectId: 'c1fd1207-a256-4695-b58e-ecc14530f6d1', groups: [] },
  /** The PatientTests app's user-assigned identity: it appends to the audit register. */
  patientTests: { name: 'patient-tests', kind: 'managed-identity', clientId: '1050d97b-fdad-4d52-9f2d-cd60b3af104d', objectId: '7b255950-d2bc-496e-a5a1-05418af7cc48', groups: [] },
  /** The Audit app's user-assigned identity: it calls nothing, and holds no role. */
  audit: { name: 'audit', kind: 'managed-identity', clientId: '3e084a4a-0adb-4530-882b-2d2b461b0953', objectId: '69f9c8d9-3ec2-4827-9665-148d362a01cd', groups: [] },
  /** A system allowed to call the PatientTests API directly, recorded as itself. */
  operator: { name: 'operator', kind: 'service-principal', clientId: '9fb69dd6-d05c-43b3-b1e0-7efa9c60badd', objectId: '6eaeb0ac-199c-4753-a5cc-b1c44d89ec67', groups: [] },
  /** A person in the auditors' group: reads the audit register. */
  auditor: { name: 'auditor', kind: 'user', clientId: 'c9e06099-95b5-4c18-b62a-fa57f3016902', objectId: '398c1776-ff90-451c-b6b5-a78273e09a94', groups: [localAuditorsGroupId] },
  /** The release check's identity: valid tokens for both APIs, with a role that opens nothing. */
  releaseProbe: { name: 'release-probe', kind: 'service-principal', clientId: '6bc8d5dc-a3d2-4819-8db2-31fc6caee19b', objectId: 'c4dbeb6c-8fe3-426e-8911-9b47a6064946', groups: [] },
} as const satisfies Record<string, LocalIdentity>;

/**
 * What each holder kind of the app-roles.json files stands for here: the object ids a role is assigned to
 * (a principal, or a group whose members then hold it), as env/ maps them to its identities and variables.
 */
export const holderKinds: Readonly<Record<string, readonly string[]>> = {
  api_management: [localIdentities.apiManagement.objectId],
  patient_tests: [localIdentities.patientTests.objectId],
  direct_callers: [localIdentities.operator.objectId],
  auditors: [localAuditorsGroupId],
  release_probe: [localIdentities.releaseProbe.objectId],
};

const appRolesFile = z.object({
  roles: z.record(z.string(), z.object({ holders: z.array(z.string()).min(1) })),
});

export type AppRoles = z.infer<typeof appRolesFile>;

/** An app's role declaration, as its code and env/ read it. */
export function readAppRoles(repositoryRoot: string, api: ApiName): AppRoles {
  const file = join(repositoryRoot, 'src', localApis[api].directory, 'src', 'functions', 'app-roles.json');
  const roles = appRolesFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const unknown = Object.values(roles.roles).flatMap((role) => role.holders).filter((kind) => holderKinds[kind] === undefined);
  if (unknown.length > 0) throw new Error(`${file} names holder kinds the local stack does not know: ${[...new Set(unknown)].join(', ')}`);
  return roles;
}

/** The app roles an identity holds on an API: directly or through one of its groups. */
export function rolesOf(identity: LocalIdentity, appRoles: AppRoles): string[] {
  const ids = new Set([identity.objectId, ...identity.groups]);
  return Object.entries(appRoles.roles)
    .filter(([, role]) => role.holders.some((kind) => (holderKinds[kind] ?? []).some((id) => ids.has(id))))
    .map(([name]) => name);
}

export function identityNamed(name: string): LocalIdentity | undefined {
  return Object.values<LocalIdentity>(localIdentities).find((identity) => identity.name === name);
}
