import { SpanStatusCode, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const keptExceptionAttributes = new Set(['exception.type', 'exception.escaped']);

/**
 * The last word on what leaves the process, applied to every span before any exporter sees it.
 * Error descriptions written by libraries (a driver's "duplicate key … { lastName: "…" }") are
 * replaced by a fixed text, and exception events keep their type only: no message, no stack.
 */
export class PrivacySpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {
    // Nothing is known yet that could need removing.
  }

  onEnding(span: Span): void {
    if (span.status.code === SpanStatusCode.ERROR && span.status.message !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed; the logs of this operation id say how' });
    }
    for (const event of span.events) {
      if (event.name !== 'exception' || !event.attributes) continue;
      for (const name of Object.keys(event.attributes)) {
        if (!keptExceptionAttributes.has(name)) Reflect.deleteProperty(event.attributes, name);
      }
    }
  }

  onEnd(_span: ReadableSpan): void {
    // Everything was done in onEnding, while the span could still be changed.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
