import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
// The http entry, not the package's main one: that loads the driver, which the app's telemetry must load first to trace it.
import { formatTraceParent, parseTraceParent, problemContentType, problemTypes } from '@patient-tests/shared/http';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { KeyRing } from '../http/key-ring';
import { readLimitedBody } from '../http/read-limited-body';
import { invokeWithHooks, type RegisteredFunction } from './functions-core-shim';
import { compileRoute, matchRoute, type CompiledRoute } from './route-template';
import { startSpanFromTraceParent, traceParentOf } from '../telemetry/spans';

export interface FunctionsHostOptions {
  readonly functions: readonly RegisteredFunction[];
  readonly routePrefix: string;
  readonly keys: KeyRing<unknown>;
  readonly maxRequestBodyBytes: number;
  readonly log: (line: string) => void;
}

export interface FunctionsHost extends Server {
  /**
   * Stops taking work, as the Functions host does when its instance is drained: every request from now
   * on, on a new or a kept-alive connection, is answered 503 with Retry-After and `Connection: close`,
   * while the requests taken before run to their end. Resolves once they have been answered; then the
   * listener closes, and with it the idle connections. Closing idle keep-alive connections while a
   * client may be sending on them loses that request (the client sees a reset, not an answer), so that
   * happens once, at the end, not while the drain is under way.
   */
  drain(): Promise<void>;
}

interface Route {
  readonly fn: RegisteredFunction;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
  /** What the request span is called: the route template without constraints, `GET patient/{patientId}`. */
  readonly operationName: string;
}

/**
 * Serves registered HTTP functions with the Functions host's semantics: route prefix and templates,
 * methods (a wrong method is 404, as in Azure), function keys (header wins over `code`; 401 with an
 * empty body), a body-size limit, and the W3C trace context handed to the handler.
 */
export function createFunctionsHost(options: FunctionsHostOptions): FunctionsHost {
  const routes: Route[] = options.functions
    .map((fn) => ({
      fn,
      route: compileRoute(options.routePrefix, fn.trigger.route ?? fn.name),
      methods: (fn.trigger.methods ?? ['GET', 'POST']).map((method) => method.toUpperCase()),
    }))
    .map((route) => ({ ...route, operationName: templateName(route.fn.trigger.route ?? route.fn.name) }))
    .sort((a, b) => b.route.specificity - a.route.specificity);

  // Whatever provider the app registered (none: a no-op tracer), as the host and worker share telemetry in Azure.
  const tracer = trace.getTracer('local-functions-host');

  let draining = false;
  let inFlight = 0;
  const idle = new EventEmitter();
  const server = createServer((req, res) => {
    if (draining) {
      refuse(req, res);
      return;
    }
    inFlight++;
    res.once('close', () => { if (--inFlight === 0) idle.emit('idle'); });
    serve(req, res).catch((error: unknown) => {
      options.log(`host failure: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return Object.assign(server, {
    async drain(): Promise<void> {
      draining = true;
      if (inFlight > 0) await once(idle, 'idle');
      server.close();
    },
  });

  function refuse(req: IncomingMessage, res: ServerResponse): void {
    const operationId = parseTraceParent(header(req, 'traceparent'))?.traceId;
    const problem = { ...problemTypes.serviceUnavailable, detail: 'The API is stopping; retry after the time in Retry-After.', ...(operationId ? { operationId } : {}) };
    res.writeHead(503, { 'content-type': problemContentType, 'retry-after': '1', connection: 'close' }).end(JSON.stringify(problem));
  }

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

    // The host records the request, as the Azure Functions host does, and hands its span to the worker.
    const incoming = parseTraceParent(header(req, 'traceparent'));
    const span = startSpanFromTraceParent(tracer, `${method} ${hit.operationName}`, SpanKind.SERVER, incoming, {
      'http.request.method': method,
      'http.route': hit.operationName,
      'faas.trigger': 'http',
      'faas.name': hit.fn.name,
    });
    const traceParent = traceParentOf(span, incoming);
    const invocationId = randomUUID();
    const context = new InvocationContext({
      invocationId,
      functionName: hit.fn.name,
      traceContext: { traceParent: formatTraceParent(traceParent), traceState: header(req, 'tracestate'), attributes: {} },
      // As the worker hands it over: hooks tell an HTTP invocation from others by its trigger.
      options: { trigger: { ...hit.fn.trigger }, extraInputs: [], extraOutputs: [] },
      logHandler: (level, ...args) => {
        options.log(structuredLogLine(level, hit.fn.name, invocationId, traceParent.traceId, args));
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
      const result = await invokeWithHooks(hit.fn.handler, context, [request]);
      response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
    } catch (error: unknown) {
      options.log(structuredLogLine('error', hit.fn.name, invocationId, traceParent.traceId, [`unhandled ${error instanceof Error ? error.name : typeof error}`]));
      span.setAttribute('http.response.status_code', 500).setStatus({ code: SpanStatusCode.ERROR }).end();
      return void res.writeHead(500).end();
    }
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(payload);
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
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

/** `{id:guid}` → `{id}`, `{name?}` → `{name}`: constraints are routing detail, not part of the name. */
function templateName(route: string): string {
  return route.replace(/\{\*?([A-Za-z0-9_]+)[^}]*\}/g, '{$1}');
}

/**
 * One JSON object per log call, carrying the function, the invocation and the operation (trace) id,
 * as App Insights stores what a function logs through its context. Strings form the message; members
 * of objects passed after it become fields.
 */
function structuredLogLine(level: string, functionName: string, invocationId: string, operationId: string, args: unknown[]): string {
  const message = args.filter((argument) => typeof argument !== 'object' || argument === null).map(String).join(' ');
  const properties = Object.assign({}, ...args.filter((argument) => typeof argument === 'object' && argument !== null)) as Record<string, unknown>;
  return JSON.stringify({ level, function: functionName, invocationId, operationId, message, ...withoutKeys(properties, ['level', 'function', 'invocationId', 'operationId', 'message']) });
}

function withoutKeys(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
