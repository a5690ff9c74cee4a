import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { formatTraceParent, newTraceParent, parseTraceParent } from '@patient-tests/shared';
import type { KeyRing } from './function-keys';
import { readLimitedBody } from './read-limited-body';
import type { RegisteredFunction } from './functions-core-shim';
import { compileRoute, matchRoute, type CompiledRoute } from './route-template';

export interface FunctionsHostOptions {
  readonly functions: readonly RegisteredFunction[];
  readonly routePrefix: string;
  readonly keys: KeyRing;
  readonly maxRequestBodyBytes: number;
  readonly log: (line: string) => void;
}

interface Route {
  readonly fn: RegisteredFunction;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
}

/**
 * Serves registered HTTP functions with the Functions host's semantics: route prefix and templates,
 * methods (a wrong method is 404, as in Azure), function keys (header wins over `code`; 401 with an
 * empty body), a body-size limit, and the W3C trace context handed to the handler.
 */
export function createFunctionsHost(options: FunctionsHostOptions): Server {
  const routes: Route[] = options.functions
    .map((fn) => ({
      fn,
      route: compileRoute(options.routePrefix, fn.trigger.route ?? fn.name),
      methods: (fn.trigger.methods ?? ['GET', 'POST']).map((method) => method.toUpperCase()),
    }))
    .sort((a, b) => b.route.specificity - a.route.specificity);

  return createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      options.log(`host failure: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Functions host is running.\n');
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let params: Record<string, string> | undefined;
    const hit = routes.find((candidate) => candidate.methods.includes(method) && (params = matchRoute(candidate.route, url.pathname)));
    if (!hit || !params) return void res.writeHead(404).end();
    if (hit.fn.trigger.authLevel !== 'anonymous' && !options.keys.accepts(presentedKey(req, url))) {
      return void res.writeHead(401).end();
    }
    const body = await readLimitedBody(req, options.maxRequestBodyBytes);
    if (body === undefined) return void res.writeHead(413, { connection: 'close' }).end();

    const traceParent = parseTraceParent(header(req, 'traceparent')) ?? newTraceParent();
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: hit.fn.name,
      traceContext: { traceParent: formatTraceParent(traceParent), traceState: header(req, 'tracestate'), attributes: {} },
      logHandler: (level, ...args) => {
        options.log(`[${hit.fn.name}] ${level}: ${args.map(describeLogArgument).join(' ')}`);
      },
    });
    const request = new HttpRequest({
      method,
      url: url.href,
      headers: flattenHeaders(req),
      params,
      body: method === 'GET' || method === 'HEAD' ? undefined : { bytes: body },
    });
    let response: HttpResponse;
    try {
      const result = await hit.fn.handler(request, context);
      response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
    } catch (error: unknown) {
      options.log(`[${hit.fn.name}] unhandled ${error instanceof Error ? error.name : typeof error}`);
      return void res.writeHead(500).end();
    }
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(payload);
  }
}

function presentedKey(req: IncomingMessage, url: URL): string | null {
  return header(req, 'x-functions-key') ?? url.searchParams.get('code');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}


function describeLogArgument(argument: unknown): string {
  if (typeof argument === 'string') return argument;
  try {
    return JSON.stringify(argument);
  } catch {
    return String(argument);
  }
}
