/**
 * ASP.NET Core route templates as the Functions host reads them: literals (case-insensitive), `{name}`,
 * `{name?}`, `{name:constraint}`, `{name=default}` and `{*catchAll}`; a trailing slash is ignored.
 */
export interface CompiledRoute {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly defaults: Readonly<Record<string, string>>;
  /** Higher is more specific: literal segments win over parameters, as in the host. */
  readonly specificity: number;
}

const guid = '(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}|\\{[0-9a-fA-F-]{36}\\}|\\([0-9a-fA-F-]{36}\\))';
const constraints: Record<string, string> = {
  guid,
  int: '-?\\d+',
  long: '-?\\d+',
  bool: '(?:true|false)',
  alpha: '[A-Za-z]+',
  decimal: '-?\\d+(?:\\.\\d+)?',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
};
const parameter = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?(?:=([^}]*))?\}$/;

export function compileRoute(routePrefix: string, template: string): CompiledRoute {
  const segments = [...routePrefix.split('/'), ...template.split('/')].filter((segment) => segment !== '');
  const names: string[] = [];
  const defaults: Record<string, string> = {};
  let source = '';
  let specificity = 0;
  for (const segment of segments) {
    const match = parameter.exec(segment);
    if (!match && segment.includes('{')) {
      throw new Error(`route segment "${segment}" is not supported by the local host`);
    }
    if (!match) {
      source += `/${escape(segment)}`;
      specificity += 3;
      continue;
    }
    const [, catchAll, name = '', constraint, optional, fallback] = match;
    if (constraint !== undefined && constraints[constraint] === undefined) {
      throw new Error(`route constraint "${constraint}" is not supported by the local host`);
    }
    names.push(name);
    if (fallback !== undefined) defaults[name] = fallback;
    const value = catchAll ? '.*' : (constraints[constraint ?? ''] ?? '[^/]+');
    const mayBeAbsent = Boolean(optional) || fallback !== undefined || Boolean(catchAll);
    source += mayBeAbsent ? `(?:/(${value}))?` : `/(${value})`;
    specificity += constraint ? 2 : 1;
  }
  return { pattern: new RegExp(`^${source}/?$`, 'i'), names, defaults, specificity };
}

/** Returns the route values, or undefined when the path does not match. Absent optional values are left out. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const match = route.pattern.exec(path);
  if (!match) return undefined;
  const values: Record<string, string> = { ...route.defaults };
  try {
    route.names.forEach((name, index) => {
      const value = match[index + 1];
      if (value !== undefined) values[name] = decodeURIComponent(value);
    });
  } catch {
    return undefined; // a malformed %-escape matches no route
  }
  return values;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
