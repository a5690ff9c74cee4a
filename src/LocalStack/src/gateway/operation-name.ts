import type { PublishedApi } from './gateway-config';

/**
 * Names a request by the API operation it addresses, `/patient/{patientId}` and never the raw path
 * with its ids, so requests aggregate per operation as they do in APIM's analytics.
 */
export function operationNamer(apis: readonly PublishedApi[]): (api: PublishedApi, pathname: string) => string {
  const compiled = new Map(apis.map((api) => [api, (api.operations ?? []).map((template) => ({ template, pattern: templatePattern(template) }))]));
  return (api, pathname) => {
    const rest = pathname.slice(api.path.length + 1) || '/';
    const hit = compiled.get(api)?.find((operation) => operation.pattern.test(rest));
    if (!hit) return `/${api.path}/*`;
    return hit.template === '/' ? `/${api.path}` : `/${api.path}${hit.template}`;
  };
}

function templatePattern(template: string): RegExp {
  const body = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  // Trailing-slash forms reach the same operation (the functions host accepts both); literals match
  // without regard to case, as in APIM and the host (gateway.ts, isUnderApiPath).
  return new RegExp(`^${body.replace(/\/$/, '')}/?$`, 'i');
}
