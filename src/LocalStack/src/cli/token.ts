// `npm run --silent token -- <identity> [--api patient-tests|audit]`: prints a short-lived access token of a
// local identity, for calling an API of the running local stack directly (curl, requests.http). Only identities
// that get their tokens themselves in Azure too (a person, a system with its own credential) are served: a
// managed identity's token comes from the identity endpoint of the app that holds it, never from here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalTokenIssuer } from '../identity/token-issuer';
import { identityNamed, localIdentities, type ApiName } from '../identity/local-directory';
import { repositoryRoot } from '../stack/repository-root';
import type { StackStatus } from '../stack/stack-status';

/** Ten minutes: long enough for a session of calls, short enough to be worthless soon after. */
const lifetimeSeconds = 600;
const apis: Readonly<Record<string, ApiName>> = { 'patient-tests': 'patient_tests', audit: 'audit' };
const defaultApi: Readonly<Record<string, ApiName>> = { operator: 'patient_tests', auditor: 'audit' };

async function main(): Promise<void> {
  const [name, flag, apiName] = process.argv.slice(2);
  const identity = name === undefined ? undefined : identityNamed(name);
  const choices = Object.values(localIdentities).filter((candidate) => candidate.kind !== 'managed-identity').map((candidate) => candidate.name);
  if (identity === undefined || identity.kind === 'managed-identity') {
    fail(`usage: npm run --silent token -- <${choices.join('|')}> [--api patient-tests|audit]`);
  }
  const api = flag === '--api' && apiName !== undefined ? apis[apiName] : defaultApi[identity.name];
  if (api === undefined) fail(`say which API the token is for: --api patient-tests or --api audit`);
  const stateDirectory = process.env.LOCAL_STACK_DIR ?? join(repositoryRoot(), '.local');
  const statusFile = join(stateDirectory, 'stack.json');
  if (!existsSync(statusFile)) fail(`no local stack has run here (${statusFile} is missing): npm start first`);
  const status = JSON.parse(readFileSync(statusFile, 'utf8')) as StackStatus;
  if (!existsSync(status.identity.keyFile)) fail(`the identity service's keys are missing (${status.identity.keyFile}): npm start first`);
  const issuer = await LocalTokenIssuer.open(status.identity.keyFile, status.identity.url, repositoryRoot());
  if (issuer.rolesOf(identity, api).length === 0) fail(`${identity.name} holds no role on that API, so no token is issued for it (as in Entra)`);
  process.stdout.write(`${(await issuer.issue(identity, api, lifetimeSeconds)).token}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

void main();
