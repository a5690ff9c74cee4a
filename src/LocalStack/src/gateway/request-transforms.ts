import type { RequestTransform } from './api-policy';
import type { PolicyContext } from './policy-values';

/** The request as it goes to the backend: header names in lower case. */
export interface OutgoingRequest {
  readonly headers: Map<string, string | string[]>;
  readonly query: URLSearchParams;
}

/**
 * Runs the policy's `set-header` and `set-query-parameter` steps with APIM's `exists-action` meanings:
 * override replaces, skip keeps an existing value, append adds, delete removes.
 */
export function applyRequestTransforms(
  transforms: readonly RequestTransform[],
  request: OutgoingRequest,
  context: PolicyContext,
  namedValues: Readonly<Record<string, string>>,
): void {
  for (const step of transforms) {
    const values = step.values.map((value) => value.resolve(context, namedValues));
    if (step.target === 'header') setHeader(request.headers, step, values);
    else setQueryParameter(request.query, step, values);
  }
}

function setHeader(headers: OutgoingRequest['headers'], step: RequestTransform, values: string[]): void {
  const existing = headers.get(step.name);
  switch (step.action) {
    case 'delete':
      headers.delete(step.name);
      return;
    case 'skip':
      if (existing === undefined) headers.set(step.name, values.join(','));
      return;
    case 'append':
      headers.set(step.name, [...(existing === undefined ? [] : [existing].flat()), ...values].join(','));
      return;
    case 'override':
      headers.set(step.name, values.join(','));
  }
}

function setQueryParameter(query: URLSearchParams, step: RequestTransform, values: string[]): void {
  const exists = query.has(step.name);
  if (step.action === 'delete' || step.action === 'override') query.delete(step.name);
  if (step.action === 'delete' || (step.action === 'skip' && exists)) return;
  for (const value of values) query.append(step.name, value);
}
