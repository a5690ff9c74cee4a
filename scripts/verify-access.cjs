#!/usr/bin/env node
// The release check of who may call what, run after every deployment from inside the VNet
// (scripts/verify-access.sh gathers its inputs from Terraform and the Azure CLI), and by the test suite against
// the local stack. It proves what no offline check can: that in the deployed apps the token check runs and
// fetches the issuer's keys, that a call without a token is refused (401) and a valid token of an identity the
// app does not allow is refused (403), and that a call through API Management succeeds end to end (its token
// accepted by PatientTests, PatientTests' token accepted by the Audit API). Exits 1 naming every check that failed.
//
// Settings (environment): PATIENT_TESTS_URL, AUDIT_URL (each app's base, e.g. https://<host>), GATEWAY_URL (the
// public API, …/patient), SUBSCRIPTION_KEY (a subscription of the API), PATIENT_TESTS_PROBE_TOKEN and
// AUDIT_PROBE_TOKEN (valid tokens for each API of an identity that holds a role opening nothing: the release
// probe), VERIFY_READY_SECONDS (how long to wait for the apps to answer their health check, 300 by default).
// Optionally EXPECTED_API_MANAGEMENT (terraform output api_management: the products and APIs the configuration
// makes) with API_MANAGEMENT_PRODUCTS and API_MANAGEMENT_APIS (JSON lists of the names the service has): then
// anything else API Management serves fails the check (the samples a new service may come with).
'use strict';
/* global fetch, AbortSignal, setTimeout -- Node.js globals, which the lint configuration for scripts does not list */

const settings = Object.fromEntries(
  ['PATIENT_TESTS_URL', 'AUDIT_URL', 'GATEWAY_URL', 'SUBSCRIPTION_KEY', 'PATIENT_TESTS_PROBE_TOKEN', 'AUDIT_PROBE_TOKEN'].map((name) => [name, process.env[name] ?? '']),
);
const readySeconds = Number(process.env.VERIFY_READY_SECONDS ?? '300');
const anyGuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** The functions each app must refuse: one that reads and one that writes, as the app routes them. */
const guarded = {
  'PatientTests API': {
    base: () => settings.PATIENT_TESTS_URL,
    token: () => settings.PATIENT_TESTS_PROBE_TOKEN,
    calls: [
      { method: 'GET', path: `/api/patient/${anyGuid}` },
      { method: 'POST', path: '/api/patient/search', body: { lastName: 'release-check' } },
    ],
  },
  'Audit API': {
    base: () => settings.AUDIT_URL,
    token: () => settings.AUDIT_PROBE_TOKEN,
    calls: [
      { method: 'GET', path: '/api/auditrecords?resourceType=release-check' },
      { method: 'POST', path: '/api/auditrecord', body: { sourceSystemName: 'release-check', resource: { type: 'release-check', operation: 'read' } } },
    ],
  },
};

const failures = [];
const passed = [];

async function call(url, { method = 'GET', headers = {}, body } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

function expect(label, condition, detail) {
  if (condition) passed.push(label);
  else failures.push(`${label}: ${detail}`);
}

async function waitUntilHealthy(name, base) {
  const deadline = Date.now() + readySeconds * 1000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await call(`${base}/api/health`);
      if (answer.status === 200) return true;
      last = `answered ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.name : 'failed';
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  failures.push(`${name}: the health check did not answer 200 within ${readySeconds} s (last: ${last})`);
  return false;
}

/** API Management serves nothing but what the configuration made: no sample product, no Echo API. */
function checkApiManagementContents() {
  const expected = process.env.EXPECTED_API_MANAGEMENT;
  if (!expected) return;
  const wanted = JSON.parse(expected);
  for (const [kind, listed] of [['products', process.env.API_MANAGEMENT_PRODUCTS], ['apis', process.env.API_MANAGEMENT_APIS]]) {
    let names;
    try {
      names = JSON.parse(listed ?? '');
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names)) {
      expect(`API Management has no ${kind} but the configuration's`, false, `its ${kind} could not be listed`);
      continue;
    }
    const extra = names.filter((name) => !wanted[kind].includes(name));
    expect(`API Management has no ${kind} but the configuration's`, extra.length === 0, `also has ${extra.join(', ')}`);
  }
}

async function main() {
  const missing = Object.entries(settings).filter(([, value]) => value === '').map(([name]) => name);
  if (missing.length > 0) {
    process.stderr.write(`verify-access: set ${missing.join(', ')}\n`);
    process.exit(2);
  }
  for (const [name, app] of Object.entries(guarded)) {
    const base = app.base().replace(/\/$/, '');
    if (!(await waitUntilHealthy(name, base))) continue;
    passed.push(`${name}: the health check answers without a token`);
    for (const request of app.calls) {
      const label = `${name}: ${request.method} ${request.path.split('?')[0]}`;
      const anonymous = await call(`${base}${request.path}`, request);
      expect(`${label} without a token is 401`, anonymous.status === 401 && /^Bearer/.test(anonymous.headers.get('www-authenticate') ?? ''), `answered ${anonymous.status}`);
      const probed = await call(`${base}${request.path}`, { ...request, headers: { authorization: `Bearer ${app.token()}` } });
      // 403 needs the token to have passed every check first: signature (the issuer's keys fetched), issuer,
      // audience, tenant, lifetime. A 401 here means the app cannot check tokens at all; a 2xx, that it lets anyone in.
      expect(`${label} with a valid token of an identity it does not allow is 403`, probed.status === 403, `answered ${probed.status}`);
    }
  }
  const gateway = settings.GATEWAY_URL.replace(/\/$/, '');
  const searched = await call(`${gateway}/search`, { method: 'POST', headers: { 'ocp-apim-subscription-key': settings.SUBSCRIPTION_KEY }, body: { lastName: `release-check-${Date.now()}` } });
  let found;
  try {
    found = JSON.parse(searched.text);
  } catch {
    found = undefined;
  }
  expect('through API Management: a search is 200 (its token accepted by PatientTests, PatientTests\' by the Audit API)', searched.status === 200 && Array.isArray(found), `answered ${searched.status}`);
  checkApiManagementContents();
  for (const line of passed) process.stdout.write(`ok    ${line}\n`);
  for (const line of failures) process.stdout.write(`FAIL  ${line}\n`);
  process.stdout.write(`${passed.length} passed, ${failures.length} failed\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`verify-access: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
