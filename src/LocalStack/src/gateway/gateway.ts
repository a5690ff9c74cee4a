import { createServer, Agent, type IncomingMessage, type Server } from 'node:http';
import { parseTraceParent, problemTypes, type TraceParent } from '@patient-tests/shared/http';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { KeyRing } from '../http/key-ring';
import { readLimitedBody } from '../http/read-limited-body';
import { RateLimiter } from './rate-limiter';
import { AdmissionControl } from './admission-control';
import { namedValuesOf } from './api-policy';
import { backendForwarder } from './forward-to-backend';
import { backendTokens } from './backend-token';
import { clientAddressOf, type PolicyContext } from './policy-values';
import type { GatewayConfig } from './gateway-config';
import { sendProblem } from './send-problem';
import { startSpanFromTraceParent, traceParentOf } from '../telemetry/spans';
import { operationNamer } from './operation-name';

/**
 * The API Management stand-in: the only entry a client needs. A subscription key is required (header or
 * `subscription-key` query), as APIM requires it; then the API policy runs as APIM runs it, from the same
 * file: rate limit and body size here, then (forward-to-backend.ts) every `set-header` and
 * `set-query-parameter` (ours deletes the caller's key and whatever it sent as Authorization), the token of
 * the gateway's managed identity for the backend (`authentication-managed-identity`) and the backend timeout. The W3C trace context is forwarded or started. Like APIM with App Insights
 * diagnostics, it records a request span and a backend call span.
 */
export function createGateway(config: GatewayConfig): Server {
  const { policy, namedValues } = config;
  const missing = namedValuesOf(policy).filter((name) => namedValues[name] === undefined);
  if (missing.length > 0) throw new Error(`the policy refers to named values the gateway was not given: ${missing.join(', ')}`);
  const subscriptions = new KeyRing(config.subscriptions.map((subscription) => [subscription.key, subscription] as const));
  const limits = policy.limits;
  const limiter = new RateLimiter(limits.callsPerWindow, limits.windowSeconds * 1000);
  const tracer = config.tracer ?? trace.getTracer('local-gateway');
  const forward = backendForwarder({
    policy,
    namedValues,
    tracer,
    agent: new Agent({ keepAlive: true, maxSockets: 256 }),
    backendTokens: backendTokens(policy, namedValues, config.managedIdentity),
  });
  const nameOf = operationNamer(config.apis);
  const admission = config.admission === undefined ? undefined : new AdmissionControl(config.admission);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    const document = req.method === 'GET' ? config.documents?.find((candidate) => candidate.path === url.pathname) : undefined;
    if (document) {
      res.writeHead(200, { 'content-type': document.contentType }).end(document.body);
      return;
    }
    const api = config.apis.find((candidate) => isUnderApiPath(url.pathname, candidate.path));
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
      request: { ipAddress: clientAddressOf(req.socket.remoteAddress), originalPath: url.pathname },
    };
    const { retryAfterSeconds, remaining } = limiter.take(policy.rateLimitCounter.resolve(context, namedValues));
    // As APIM: these on every response the limit was checked for (set now, kept by the backend's answer).
    const counted = policy.rateLimitHeaders;
    if (counted.remainingCalls !== undefined) res.setHeader(counted.remainingCalls, String(remaining));
    if (counted.totalCalls !== undefined) res.setHeader(counted.totalCalls, String(limits.callsPerWindow));
    if (retryAfterSeconds > 0) {
      sendProblem(res, { ...problemTypes.tooManyRequests, detail: `This subscription made more than ${limits.callsPerWindow} calls in ${limits.windowSeconds} s.` }, { [counted.retryAfter]: String(retryAfterSeconds) });
      return;
    }
    readLimitedBody(req, limits.maxBodyBytes).then((body) => {
      if (body === undefined) {
        sendProblem(res, { ...problemTypes.payloadTooLarge, detail: `Request bodies are limited to ${limits.maxBodyBytes} bytes.` }, { connection: 'close' });
        return;
      }
      const forwardAdmitted = (release: () => void) => { forward({ req, res, url, api, body, trail: { requestSpan, incoming, operation, context }, release }); };
      if (admission === undefined) {
        forwardAdmitted(() => undefined);
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
        forwardAdmitted(release);
      });
    }, () => { res.destroy(); });
  });
}

/** The operation id of a request that is answered before any backend call: its trace id. */
function traceIdOf(span: Span, incoming: TraceParent | undefined): string {
  return traceParentOf(span, incoming).traceId;
}

/**
 * API Management matches an API's path (and its operations' literal segments, operation-name.ts) without
 * regard to case, as the Functions host matches routes (route-template.ts): `/PATIENT/{id}` reaches the
 * same operation in Azure. The search found no Microsoft page that states it; issue 18 observed it. The rest of
 * the path goes on as sent, so ids keep their case.
 */
function isUnderApiPath(pathname: string, apiPath: string): boolean {
  const head = pathname.slice(0, apiPath.length + 2).toLowerCase();
  const prefix = `/${apiPath.toLowerCase()}`;
  return head === prefix || head === `${prefix}/`;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
