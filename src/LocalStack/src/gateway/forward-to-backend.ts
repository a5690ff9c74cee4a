import { request as httpRequest, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AccessTokenSource } from '@patient-tests/shared/auth';
import { formatTraceParent, problemTypes, type TraceParent } from '@patient-tests/shared/http';
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { Release } from './admission-control';
import type { ApiPolicy } from './api-policy';
import { isEmptyErrorAnswer, problemForEmptyAnswer, publicLocation } from './backend-answer';
import type { PublishedApi } from './gateway-config';
import type { PolicyContext } from './policy-values';
import { applyRequestTransforms } from './request-transforms';
import { sendProblem } from './send-problem';
import { startChildSpan, traceParentOf } from '../telemetry/spans';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1): a proxy never passes them on.
 * Everything else about headers (the caller's subscription key, the backend's token) is the policy's
 * business, applied from the policy file.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** What the request span hands the backend call. */
export interface Trail {
  readonly requestSpan: Span;
  readonly incoming: TraceParent | undefined;
  readonly operation: string;
  readonly context: PolicyContext;
}

/** What forwarding needs of the gateway: its policy and named values, one connection pool, its tracer, its token. */
export interface ForwardingSettings {
  readonly policy: ApiPolicy;
  readonly namedValues: Readonly<Record<string, string>>;
  readonly agent: Agent;
  readonly tracer: Tracer;
  /** The backend's token (`authentication-managed-identity`); absent when the policy sends none. */
  readonly backendTokens: AccessTokenSource | undefined;
}

/** How long a request waits for the gateway's token before it is answered 503 (the token is usually cached). */
const tokenWaitMs = 5_000;

/** One admitted request: the exchange, its parsed URL and API, the body read whole, its trail and its place in the chain. */
export interface ForwardedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly api: PublishedApi;
  readonly body: Buffer;
  readonly trail: Trail;
  readonly release: Release;
}

export type Forward = (request: ForwardedRequest) => void;

/**
 * The backend call of an admitted request: the policy's request transforms, the trace context, the
 * backend timeout; the backend's answer passed on (its Location made public), or a problem document for
 * an empty error answer, a backend that is not listening (503, the stack restarts it), too slow (504) or
 * failing (502). A backend call span, as API Management records with App Insights diagnostics.
 */
export function backendForwarder(settings: ForwardingSettings): Forward {
  const { policy, namedValues, agent, tracer, backendTokens } = settings;
  const limits = policy.limits;
  return ({ req, res, url, api, body, trail, release }) => {
    // The place in the chain is held until the answer has been passed on (or the exchange failed).
    res.once('close', release);
    const send = (token: string | undefined): void => {
      if (res.destroyed) return;
      const passed = new Map<string, string | string[]>();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !hopByHop.has(name)) passed.set(name, value);
      }
      const query = new URLSearchParams(url.search);
      applyRequestTransforms(policy.requestTransforms, { headers: passed, query }, trail.context, namedValues);
      const headers = Object.fromEntries(passed);
      // Set last, as the policy file orders it (api-policy.ts refuses another order).
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
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
    };
    if (backendTokens === undefined) {
      send(undefined);
      return;
    }
    backendTokens.token(AbortSignal.timeout(tokenWaitMs)).then(
      (token) => { send(token); },
      () => {
        // No token, no call: nothing reaches the backend unauthenticated.
        const operationId = traceParentOf(trail.requestSpan, trail.incoming).traceId;
        if (!res.destroyed) sendProblem(res, { ...problemTypes.serviceUnavailable, detail: 'The API cannot be called right now; retry after the time in Retry-After.', operationId }, { 'retry-after': '5' });
      },
    ).catch(() => { res.destroy(); });
  };
}

class GatewayTimeout extends Error {}

function isRefused(error: Error): boolean {
  return 'code' in error && error.code === 'ECONNREFUSED';
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
