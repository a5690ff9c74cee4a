import { ROOT_CONTEXT, TraceFlags, isSpanContextValid, trace, type Attributes, type Context, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';
import { childTraceParent, newTraceParent, type TraceParent } from '@patient-tests/shared/http';

/** The caller's trace as a parent context; a new trace when there is none. */
export function contextOf(incoming: TraceParent | undefined): Context {
  if (!incoming) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: incoming.traceId,
    spanId: incoming.parentId,
    traceFlags: Number.parseInt(incoming.flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

export function startSpanFromTraceParent(tracer: Tracer, name: string, kind: SpanKind, incoming: TraceParent | undefined, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind, attributes }, contextOf(incoming));
}

export function startChildSpan(tracer: Tracer, name: string, kind: SpanKind, parent: Span, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
}

/**
 * The `traceparent` to send on behalf of `span`: its own ids when telemetry made a real span; without
 * telemetry (a no-op span), the same trace with a new span id, or a new trace, so the trace id still
 * travels end to end and stays the operation id.
 */
export function traceParentOf(span: Span, incoming: TraceParent | undefined): TraceParent {
  const own = span.spanContext();
  if (isSpanContextValid(own) && own.spanId !== incoming?.parentId) {
    return { traceId: own.traceId, parentId: own.spanId, flags: own.traceFlags & TraceFlags.SAMPLED ? '01' : '00' };
  }
  return incoming ? childTraceParent(incoming) : newTraceParent();
}
