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

/** What the local gateway takes from the policy file Terraform gives API Management. */
export interface ApiPolicy {
  readonly limits: ApiLimits;
  /** `rate-limit-by-key`'s counter-key: calls are counted per value of it (our policy: the subscription). */
  readonly rateLimitCounter: PolicyValue;
  readonly requestTransforms: readonly RequestTransform[];
}

const count = z.coerce.number().int().positive();
const text = z.union([z.string(), z.object({ '#text': z.string() })]).transform((value) => (typeof value === 'string' ? value : value['#text']));
const transform = z.object({
  '@_name': z.string().min(1),
  '@_exists-action': z.enum(['override', 'skip', 'append', 'delete']).default('override'),
  value: z.array(text).default([]),
});
const policyShape = z.object({
  policies: z.object({
    inbound: z.object({
      'rate-limit-by-key': z.object({ '@_calls': count, '@_renewal-period': count, '@_counter-key': z.string() }),
      'validate-content': z.object({ '@_max-size': count }),
      'set-header': z.array(transform).default([]),
      'set-query-parameter': z.array(transform).default([]),
    }),
    backend: z.object({ 'forward-request': z.object({ '@_timeout': count }) }),
  }),
});

/** Everything the local gateway applies; any other element would be a rule APIM follows and it would not. */
const understood: Readonly<Record<string, readonly string[]>> = {
  inbound: ['base', 'rate-limit-by-key', 'validate-content', 'set-header', 'set-query-parameter'],
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
  const xml: unknown = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    isArray: (name) => name === 'set-header' || name === 'set-query-parameter' || name === 'value',
  }).parse(readFileSync(policyFile, 'utf8'));
  refuseUnknownElements(xml);
  const { inbound, backend } = policyShape.parse(xml).policies;
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
    requestTransforms: [...transforms('header', inbound['set-header']), ...transforms('query', inbound['set-query-parameter'])],
  };
}

/** The policy file of the PatientTests API, as env/apim.tf hands it to API Management. */
export function patientApiPolicyFile(repositoryRoot: string): string {
  return join(repositoryRoot, 'env', 'policies', 'patient-api.xml');
}

/** Every `{{name}}` the policy refers to, so a stack without one of them fails at start-up. */
export function namedValuesOf(policy: ApiPolicy): string[] {
  return [...new Set([policy.rateLimitCounter, ...policy.requestTransforms.flatMap((step) => step.values)].flatMap((value) => value.namedValues()))];
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
