import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

/** The limits of an API Management policy that the local gateway applies too. */
export interface ApiLimits {
  /** Requests allowed per subscription key in each window. */
  readonly callsPerWindow: number;
  readonly windowSeconds: number;
  readonly maxBodyBytes: number;
  readonly backendTimeoutMs: number;
}

const count = z.coerce.number().int().positive();
const policyShape = z.object({
  policies: z.object({
    inbound: z.object({
      'rate-limit-by-key': z.object({ '@_calls': count, '@_renewal-period': count }),
      'validate-content': z.object({ '@_max-size': count }),
    }),
    backend: z.object({ 'forward-request': z.object({ '@_timeout': count }) }),
  }),
});

/**
 * Reads the limits from the policy XML that Terraform gives API Management (env/policies), so the
 * local gateway and APIM cannot drift apart. A policy without these elements fails loudly.
 */
export function readApiLimits(policyFile: string): ApiLimits {
  const xml: unknown = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(policyFile, 'utf8'));
  const { inbound, backend } = policyShape.parse(xml).policies;
  return {
    callsPerWindow: inbound['rate-limit-by-key']['@_calls'],
    windowSeconds: inbound['rate-limit-by-key']['@_renewal-period'],
    maxBodyBytes: inbound['validate-content']['@_max-size'],
    backendTimeoutMs: backend['forward-request']['@_timeout'] * 1000,
  };
}
