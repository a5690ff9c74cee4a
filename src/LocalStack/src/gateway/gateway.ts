import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formatTraceParent, parseTraceParent, problemContentType, problemTypes, type ProblemDocument, type TraceParent } from '@patient-tests/shared/http';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { KeyRing } from '../http/key-ring';
import { readLimitedBody } from '../http/read-limited-body';
import { RateLimiter } from './rate-limiter';
import { AdmissionControl, type Release } from './admission-control';
import { namedValuesOf } from './api-policy';
import { clientAddressOf, type PolicyContext } from './policy-values';
import { applyRequestTransforms } from './request-transforms';
import { isEmptyErrorAnswer, problemForEmptyAnswer, publicLocation } from './backend-answer';
import type { GatewayConfig, PublishedApi } from './gateway-config';
import { startChildSpan, startSpanFromTraceParent, traceParentOf } from '../telemetry/spans';
import { operationNamer } from './operation-name';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1): a proxy never passes them on.
 * Everything else about headers (the caller's subscription key, the backend's function key) is the
 * policy's business, applied from the policy file below.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/**
 * The API Management stand-in: the only entry a client needs. A subscription key is required (header or
 * `subscription-key` query), as APIM requires it; then the API policy runs as APIM runs it, from the same
 * file: rate limit, body size, every `set-header` and `set-query-parameter` (ours deletes the caller's
 * key and sets the backend's function key), backend timeout. The W3C trace context is forwarded or
 * started. Like APIM with App Insights diagnostics, it records a request span and a backend call span.
 */
export function createGateway(config: GatewayConfig): Server {
  const { policy, namedValues } = config;
  const missing = namedValuesOf(policy).filter((name) => namedValues[name] === undefined);
  if (missing.length > 0) throw new Error(`the policy refers to named values the gateway was not given: ${missing.join(', ')}`);
  const subscriptions = new KeyRing(config.subscriptions.map((subscription) => [subscription.key, subscription] as const));
  const limits = policy.limits;
  const limiter = new RateLimiter(limits.callsPerWindow, limits.windowSeconds * 1000);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const tracer = config.tracer ?? trace.getTracer('local-gateway');
  const nameOf = operationNamer(config.apis);
  const admission = config.admission === undefined ? undefined : new AdmissionControl(config.admission);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    const document = req.method === 'GET' ? config.documents?.find((candidate) => candidate.path === url.pathname) : undefined;
    if (document) {
      res.writeHead(200, { 'content-type': document.contentType }).end(document.body);
      return;
    }
    const api = config.apis.find((candidate) => url.pathname === `/${candidate.path}` || url.pathname.startsWith(`/${candidate.path}/`));
    if (!api) {
      sendProblem(res, { ...problemTypes.notFound, detail: 'No API is published at this path.' });
      return;
    }
    const method = req.method ?? 'GET';
    const incoming = parseTraceParent(firstHeader(req, 'traceparent'));
    const operation = nameOf(api, url.pathname);
    const requestSpan = startSpanFromTraceParent(tracer, `${method} ${operation}`, SpanKind.SERVER, incoming, {
      'http.request.method': method,
      'http.route': operation,
    });
    res.once('close', () => {
      requestSpan.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) requestSpan.setStatus({ code: SpanStatusCode.ERROR });
      requestSpan.end();
    });
    const subscription = subscriptions.ownerOf(firstHeader(req, 'ocp-apim-subscription-key') ?? url.searchParams.get('subscription-key'));
    if (!subscription) {
      // One answer for a missing and a wrong key, so a caller learns nothing from the difference.
      sendProblem(res, { ...problemTypes.unauthorized, detail: 'A valid subscription key is required (Ocp-Apim-Subscription-Key header).' }, { 'www-authenticate': 'ApiKey header="Ocp-Apim-Subscription-Key"' });
      return;
    }
    const context: PolicyContext = {
      subscription: { id: subscription.id, name: subscription.name },
      product: subscription.productId === undefined ? undefined : { id: subscription.productId },
      request: { ipAddress: clientAddressOf(req.socket.remoteAddress) },
    };
    const retryAfter = limiter.take(policy.rateLimitCounter.resolve(context, namedValues));
    if (retryAfter > 0) {
      sendProblem(res, { ...problemTypes.tooManyRequests, detail: `This subscription made more than ${limits.callsPerWindow} calls in ${limits.windowSeconds} s.` }, { 'retry-after': String(retryAfter) });
      return;
    }
    readLimitedBody(req, limits.maxBodyBytes).then((body) => {
      if (body === undefined) {
        sendProblem(res, { ...problemTypes.payloadTooLarge, detail: `Request bodies are limited to ${limits.maxBodyBytes} bytes.` }, { connection: 'close' });
        return;
      }
      if (admission === undefined) {
        forward(req, res, url, api, body, { requestSpan, incoming, operation, context }, () => undefined);
        return;
      }
      const hungUp = new AbortController();
      res.once('close', () => { hungUp.abort(); });
      void admission.admit(hungUp.signal).then((release) => {
        if (release === undefined) {
          if (!res.destroyed) sendProblem(res, { ...problemTypes.serviceUnavailable, detail: 'The API is at capacity right now; retry after the time in Retry-After.', operationId: traceIdOf(requestSpan, incoming) }, { 'retry-after': '1' });
          return;
        }
        if (res.destroyed) {
          release();
          return;
        }
        forward(req, res, url, api, body, { requestSpan, incoming, operation, context }, release);
      });
    }, () => { res.destroy(); });
  });

  function forward(req: IncomingMessage, res: ServerResponse, url: URL, api: PublishedApi, body: Buffer, trail: Trail, release: Release): void {
    // The place in the chain is held until the answer has been passed on (or the exchange failed).
    res.once('close', release);
    const passed = new Map<string, string | string[]>();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !hopByHop.has(name)) passed.set(name, value);
    }
    const query = new URLSearchParams(url.search);
    applyRequestTransforms(policy.requestTransforms, { headers: passed, query }, trail.context, namedValues);
    const headers = Object.fromEntries(passed);
    const target = backendUrl(url.pathname, query, api);
    const backendSpan = startChildSpan(tracer, `${req.method ?? 'GET'} ${trail.operation}`, SpanKind.CLIENT, trail.requestSpan, {
      'http.request.method': req.method ?? 'GET',
      'server.address': target.hostname,
      'server.port': Number(target.port),
    });
    const endBackendSpan = once((status: number | undefined) => {
      if (status !== undefined) backendSpan.setAttribute('http.response.status_code', status);
      if (status === undefined || status >= 500) backendSpan.setStatus({ code: SpanStatusCode.ERROR });
      backendSpan.end();
    });
    const incoming = trail.incoming;
    const traceParent = traceParentOf(backendSpan, incoming);
    // The body was read whole (it may have arrived chunked): announce its real length.
    delete headers['content-length'];
    if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    headers.traceparent = formatTraceParent(traceParent);
    if (!incoming) delete headers.tracestate;
    const upstream = httpRequest(target, { method: req.method, headers, agent, timeout: limits.backendTimeoutMs }, (answer) => {
      const status = answer.statusCode ?? 502;
      answer.once('end', () => { endBackendSpan(status); });
      if (isEmptyErrorAnswer(status, answer.headers)) {
        answer.resume();
        const problem = problemForEmptyAnswer(status, traceParent.traceId);
        sendProblem(res, problem);
        return;
      }
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !hopByHop.has(name)) out[name] = value;
      }
      if (typeof out.location === 'string') out.location = publicLocation(out.location, api);
      res.writeHead(status, out);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new GatewayTimeout()));
    upstream.on('error', (error) => {
      endBackendSpan(undefined);
      if (res.headersSent) return void res.destroy();
      if (isRefused(error)) {
        // Nothing listens: the app is being restarted by the stack's supervisor (or is stopped). A 503
        // with Retry-After tells clients to come back, as API Management's answer for an unhealthy backend does.
        sendProblem(res, { ...problemTypes.serviceUnavailable, detail: 'The API is restarting; retry after the time in Retry-After.', operationId: traceParent.traceId }, { 'retry-after': '1' });
        return;
      }
      sendProblem(res, {
        ...(error instanceof GatewayTimeout ? problemTypes.gatewayTimeout : problemTypes.badGateway),
        detail: 'Retry later; quote the operationId when you contact support.',
        operationId: traceParent.traceId,
      });
    });
    upstream.end(body);
  }
}

class GatewayTimeout extends Error {}

function isRefused(error: Error): boolean {
  return 'code' in error && error.code === 'ECONNREFUSED';
}

/** The operation id of a request that is answered before any backend call: its trace id. */
function traceIdOf(span: Span, incoming: TraceParent | undefined): string {
  return traceParentOf(span, incoming).traceId;
}

/** What the request span hands the backend call. */
interface Trail {
  readonly requestSpan: Span;
  readonly incoming: TraceParent | undefined;
  readonly operation: string;
  readonly context: PolicyContext;
}

function once<T>(action: (value: T) => void): (value: T) => void {
  let done = false;
  return (value) => {
    if (done) return;
    done = true;
    action(value);
  };
}

function backendUrl(pathname: string, query: URLSearchParams, api: PublishedApi): URL {
  const target = new URL(api.backendUrl.replace(/\/$/, '') + pathname.slice(api.path.length + 1));
  target.search = query.toString();
  return target;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendProblem(res: ServerResponse, document: ProblemDocument, headers: Record<string, string> = {}): void {
  res.writeHead(document.status, { 'content-type': problemContentType, ...headers }).end(JSON.stringify(document));
}
