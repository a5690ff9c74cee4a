import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { PolicyValue, UnsupportedPolicyError } from './policy-values';

/** The limits of an API Management policy that the local gateway applies too. */
export interface ApiLimits {
  /** Requests allowed per counter key (`rate-limit-by-key`) in each window. */
  readonly callsPerWindow: number;
  readonly windowSeconds: number;
  readonly maxBodyBytes: number;
  readonly backendTimeoutMs: number;
}

/** A `set-header` or `set-query-parameter` of the inbound policy, in the order APIM runs them. */
export interface RequestTransform {
  readonly target: 'header' | 'query';
  /** Lower case for headers (HTTP header names are case-insensitive). */
  readonly name: string;
  readonly action: 'override' | 'skip' | 'append' | 'delete';
  readonly values: readonly PolicyValue[];
}

/**
 * `authentication-managed-identity`: the backend is called with a token of API Management's managed identity
 * for `resource` (the API's application id); `clientId` names a user-assigned identity.
 */
export interface BackendAuthentication {
  readonly resource: PolicyValue;
  readonly clientId: PolicyValue | undefined;
}

/**
 * The response headers `rate-limit-by-key` names: the wait after the limit (`retry-after-header-name`, APIM's
 * default Retry-After), and, when asked for, the calls left in the window and the calls per window, on every
 * response the policy ran for.
 */
export interface RateLimitHeaders {
  readonly retryAfter: string;
  readonly remainingCalls: string | undefined;
  readonly totalCalls: string | undefined;
}

/** What the local gateway takes from the policy file Terraform gives API Management. */
export interface ApiPolicy {
  readonly limits: ApiLimits;
  /** `rate-limit-by-key`'s counter-key: calls are counted per value of it (our policy: the subscription). */
  readonly rateLimitCounter: PolicyValue;
  /** Lower case (HTTP header names are case-insensitive). */
  readonly rateLimitHeaders: RateLimitHeaders;
  readonly requestTransforms: readonly RequestTransform[];
  /** Absent: the backend is called without a token. */
  readonly backendAuthentication: BackendAuthentication | undefined;
}

const count = z.coerce.number().int().positive();
const text = z.union([z.string(), z.object({ '#text': z.string() })]).transform((value) => (typeof value === 'string' ? value : value['#text']));
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'a header name');
// Every element is strict: an attribute the gateway does not apply (APIM's increment-condition, ignore-error,
// follow-redirects, a size-exceeded-action other than prevent...) would be a rule APIM follows and the gateway
// would not, so it refuses to start, naming the element and the attribute (strictOf below).
const transform = z.strictObject({
  '@_name': z.string().min(1),
  '@_exists-action': z.enum(['override', 'skip', 'append', 'delete']).default('override'),
  value: z.array(text).default([]),
});
const policyShape = z.object({
  policies: z.object({
    inbound: z.object({
      'rate-limit-by-key': z.strictObject({
        '@_calls': count,
        '@_renewal-period': count,
        '@_counter-key': z.string(),
        '@_retry-after-header-name': headerName.optional(),
        '@_remaining-calls-header-name': headerName.optional(),
        '@_total-calls-header-name': headerName.optional(),
      }),
      'validate-content': z.strictObject({
        '@_max-size': count,
        // What the gateway does: bodies over max-size refused with 413, bodies of any or no content type read.
        '@_size-exceeded-action': z.literal('prevent').optional(),
        '@_unspecified-content-type-action': z.literal('ignore').optional(),
        // A context variable for later policies; none of ours reads it, so naming it changes nothing here.
        '@_errors-variable-name': z.string().optional(),
      }),
      'set-header': z.array(transform).default([]),
      'set-query-parameter': z.array(transform).default([]),
      'authentication-managed-identity': z.strictObject({ '@_resource': z.string().min(1), '@_client-id': z.string().min(1).optional() }).optional(),
    }),
    backend: z.object({ 'forward-request': z.strictObject({ '@_timeout': count }) }),
  }),
});

/** Everything the local gateway applies; any other element would be a rule APIM follows and it would not. */
const understood: Readonly<Record<string, readonly string[]>> = {
  inbound: ['base', 'rate-limit-by-key', 'validate-content', 'set-header', 'set-query-parameter', 'authentication-managed-identity'],
  backend: ['base', 'forward-request'],
  outbound: ['base'],
  'on-error': ['base'],
};

/**
 * Reads the API policy that Terraform gives API Management (env/policies), so the local gateway and APIM
 * cannot drift apart: limits, the rate-limit counter and every header and query parameter the policy
 * sets or deletes. A policy element or expression the gateway cannot apply fails loudly at start-up.
 */
export function readApiPolicy(policyFile: string): ApiPolicy {
  const source = readFileSync(policyFile, 'utf8');
  const xml: unknown = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    isArray: (name) => name === 'set-header' || name === 'set-query-parameter' || name === 'value',
  }).parse(source);
  refuseUnknownElements(xml);
  refuseAuthenticationBeforeTransforms(source);
  const { inbound, backend } = strictOf(xml).policies;
  const rateLimit = inbound['rate-limit-by-key'];
  const transforms = (target: RequestTransform['target'], elements: z.infer<typeof transform>[]): RequestTransform[] =>
    elements.map((element) => {
      const action = element['@_exists-action'];
      if (action !== 'delete' && element.value.length === 0) throw new UnsupportedPolicyError(`set-${target === 'header' ? 'header' : 'query-parameter'} ${element['@_name']} has no value`);
      return {
        target,
        name: target === 'header' ? element['@_name'].toLowerCase() : element['@_name'],
        action,
        values: element.value.map((value) => PolicyValue.parse(value)),
      };
    });
  return {
    limits: {
      callsPerWindow: rateLimit['@_calls'],
      windowSeconds: rateLimit['@_renewal-period'],
      maxBodyBytes: inbound['validate-content']['@_max-size'],
      backendTimeoutMs: backend['forward-request']['@_timeout'] * 1000,
    },
    rateLimitCounter: PolicyValue.parse(rateLimit['@_counter-key']),
    rateLimitHeaders: {
      retryAfter: (rateLimit['@_retry-after-header-name'] ?? 'Retry-After').toLowerCase(),
      remainingCalls: rateLimit['@_remaining-calls-header-name']?.toLowerCase(),
      totalCalls: rateLimit['@_total-calls-header-name']?.toLowerCase(),
    },
    requestTransforms: [...transforms('header', inbound['set-header']), ...transforms('query', inbound['set-query-parameter'])],
    backendAuthentication: authenticationOf(inbound['authentication-managed-identity']),
  };
}

function authenticationOf(element: { '@_resource': string; '@_client-id'?: string | undefined } | undefined): BackendAuthentication | undefined {
  if (element === undefined) return undefined;
  const clientId = element['@_client-id'];
  return { resource: PolicyValue.parse(element['@_resource']), clientId: clientId === undefined ? undefined : PolicyValue.parse(clientId) };
}

/**
 * APIM runs inbound policies in document order; the gateway sets the backend's token after every header and
 * query step. Those agree only when authentication-managed-identity comes after them (a `set-header` of
 * Authorization after it would replace the token in APIM and not here), so any other order refuses to start.
 */
function refuseAuthenticationBeforeTransforms(source: string): void {
  const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: true }).parse(source) as Record<string, unknown>[];
  const policies = ordered.find((node) => 'policies' in node)?.policies as Record<string, unknown>[] | undefined;
  const inbound = policies?.find((node) => 'inbound' in node)?.inbound as Record<string, unknown>[] | undefined;
  const tags = (inbound ?? []).map((node) => Object.keys(node)[0] ?? '');
  const authentication = tags.indexOf('authentication-managed-identity');
  if (authentication >= 0 && tags.slice(authentication + 1).some((tag) => tag === 'set-header' || tag === 'set-query-parameter')) {
    throw new UnsupportedPolicyError('authentication-managed-identity must follow every set-header and set-query-parameter: the local gateway sets the token last');
  }
}

/** The policy file of the PatientTests API, as env/apim.tf hands it to API Management. */
export function patientApiPolicyFile(repositoryRoot: string): string {
  return join(repositoryRoot, 'env', 'policies', 'patient-api.xml');
}

/** Every `{{name}}` the policy refers to, so a stack without one of them fails at start-up. */
export function namedValuesOf(policy: ApiPolicy): string[] {
  const authentication = policy.backendAuthentication;
  const values = [policy.rateLimitCounter, ...policy.requestTransforms.flatMap((step) => step.values)];
  if (authentication !== undefined) values.push(authentication.resource, ...(authentication.clientId === undefined ? [] : [authentication.clientId]));
  return [...new Set(values.flatMap((value) => value.namedValues()))];
}

/** The policy as the gateway applies it; an attribute it does not know refuses to start with its element's name. */
function strictOf(xml: unknown): z.infer<typeof policyShape> {
  const parsed = policyShape.safeParse(xml);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const element = issue?.path.filter((part) => typeof part === 'string' && !part.startsWith('@_')).slice(-1)[0];
  if (issue?.code === 'unrecognized_keys') {
    const attributes = issue.keys.map((key) => key.replace(/^@_/, '')).join(', ');
    throw new UnsupportedPolicyError(`<${String(element)}> has ${attributes}, which the local gateway does not apply`);
  }
  const attribute = issue?.path.find((part) => typeof part === 'string' && part.startsWith('@_'));
  throw new UnsupportedPolicyError(`<${String(element)}>${attribute === undefined ? '' : ` ${String(attribute).slice(2)}`}: ${issue?.message ?? 'not as the local gateway applies it'}`);
}

function refuseUnknownElements(xml: unknown): void {
  const sections = z.object({ policies: z.record(z.string(), z.unknown()) }).parse(xml).policies;
  for (const [section, content] of Object.entries(sections)) {
    const allowed = understood[section];
    if (!allowed) throw new UnsupportedPolicyError(`the policy section <${section}> is not applied by the local gateway`);
    const elements = typeof content === 'object' && content !== null ? Object.keys(content) : [];
    for (const element of elements) {
      if (!allowed.includes(element)) throw new UnsupportedPolicyError(`<${element}> in <${section}> is not applied by the local gateway`);
    }
  }
}
