import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { installFunctionsCoreShim, registeredFunctions, type RegisteredFunction } from './functions-core-shim';

const hostJson = z.object({
  extensions: z.object({ http: z.object({ routePrefix: z.string().optional() }).optional() }).optional(),
});
const packageJson = z.object({ main: z.string() });

export interface LoadedFunctionApp {
  readonly functions: readonly RegisteredFunction[];
  readonly routePrefix: string;
}

/**
 * Loads a function app the way the worker does: host.json for the route prefix, then the entry file
 * named by package.json "main", whose app.http calls arrive through the functions-core shim.
 */
export function loadFunctionApp(appDirectory: string, routePrefixOverride?: string): LoadedFunctionApp {
  const directory = resolve(appDirectory);
  const host = hostJson.parse(JSON.parse(readFileSync(join(directory, 'host.json'), 'utf8')));
  const { main } = packageJson.parse(JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')));
  installFunctionsCoreShim();
  const before = registeredFunctions().length;
  // The entry registers its functions as a side effect of being loaded, exactly as under the worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(directory, main));
  const functions = registeredFunctions().slice(before);
  if (functions.length === 0) throw new Error(`${main} registered no functions`);
  return { functions, routePrefix: routePrefixOverride ?? host.extensions?.http?.routePrefix ?? 'api' };
}
