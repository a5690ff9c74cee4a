import assert from 'node:assert/strict';
import { AccessRules, type VerifiedCaller } from '../src/auth';
import { ForbiddenError } from '../src/errors';

const writer = '33333333-3333-4333-8333-333333333333';
const auditors = '55555555-5555-4555-8555-555555555555';
const rules = new AccessRules({ 'Records.Append': [writer], 'Records.Read': [auditors.toUpperCase()] });
const caller = (overrides: Partial<VerifiedCaller>): VerifiedCaller => ({ objectId: writer, clientId: undefined, roles: ['Records.Append'], groups: [], ...overrides });

function assertRefusedBecause(check: () => void, diagnostic: string): void {
  assert.throws(check, (error: unknown) => error instanceof ForbiddenError && error.diagnostic === diagnostic);
}

describe('AccessRules: the role Entra assigned, and an identity the deployment named for it', () => {
  it('lets in a named identity that holds the role', () => {
    assert.doesNotThrow(() => { rules.require(caller({}), 'Records.Append'); });
  });

  it('lets in a member of a named group that holds the role (an auditors\' group)', () => {
    assert.doesNotThrow(() => { rules.require(caller({ objectId: '66666666-6666-4666-8666-666666666666', roles: ['Records.Read'], groups: [auditors] }), 'Records.Read'); });
  });

  it('refuses a named identity whose token lacks the role (assignment revoked in Entra)', () => {
    assertRefusedBecause(() => { rules.require(caller({ roles: [] }), 'Records.Append'); }, 'token without role Records.Append');
  });

  it('refuses a holder of the role that the deployment did not name (revoked here, or never ours)', () => {
    assertRefusedBecause(() => { rules.require(caller({ objectId: '77777777-7777-4777-8777-777777777777' }), 'Records.Append'); }, 'identity not allowed for role Records.Append');
  });

  it('refuses a named identity for the other role: appending gives no right to read', () => {
    assertRefusedBecause(() => { rules.require(caller({}), 'Records.Read'); }, 'token without role Records.Read');
    assertRefusedBecause(() => { rules.require(caller({ roles: ['Records.Read'] }), 'Records.Read'); }, 'identity not allowed for role Records.Read');
  });

  it('refuses everyone for a role nobody is named for', () => {
    const empty = new AccessRules({ 'Records.Append': [] });
    assertRefusedBecause(() => { empty.require(caller({}), 'Records.Append'); }, 'identity not allowed for role Records.Append');
  });
});
