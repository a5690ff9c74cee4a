import { ForbiddenError } from '../errors/api-errors';
import type { VerifiedCaller } from './verified-caller';

/**
 * Who may use each app role of an API: the object ids of the principals (or of the groups they belong to)
 * the deployment names for it (env/ and the local stack both, from the role's holders in the app's
 * app-roles.json). A caller passes when Entra assigned it the role (the token's `roles`) and it is one of
 * those identities: the role alone would let anyone an administrator ever assigned it in, the list alone
 * would trust a token Entra issued without the assignment.
 */
export class AccessRules<Role extends string> {
  private readonly holders: ReadonlyMap<Role, ReadonlySet<string>>;

  constructor(holders: Readonly<Record<Role, readonly string[]>>) {
    this.holders = new Map(Object.entries<readonly string[]>(holders).map(([role, ids]) => [role as Role, new Set(ids.map((id) => id.toLowerCase()))]));
  }

  roles(): Role[] {
    return [...this.holders.keys()];
  }

  /** Passes quietly, or refuses with 403. */
  require(caller: VerifiedCaller, role: Role): void {
    const allowed = this.holders.get(role);
    if (allowed === undefined) throw new ForbiddenError('The caller may not use this operation.', `no rule for role ${role}`);
    if (!caller.roles.includes(role)) throw new ForbiddenError('The caller may not use this operation.', `token without role ${role}`);
    if (!allowed.has(caller.objectId) && !caller.groups.some((group) => allowed.has(group))) {
      throw new ForbiddenError('The caller may not use this operation.', `identity not allowed for role ${role}`);
    }
  }
}
