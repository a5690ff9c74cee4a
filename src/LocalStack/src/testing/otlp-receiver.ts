import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/** A span as an OTLP receiver sees it, with its attributes decoded to plain values. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly { readonly name: string; readonly attributes: Readonly<Record<string, unknown>> }[];
  readonly status: { readonly code?: number; readonly message?: string };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  events?: { name: string; attributes?: OtlpAttribute[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpTraces {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/**
 * An OTLP/HTTP (JSON) trace receiver on loopback: what a collector or Jaeger is to a developer, for
 * tests and the benchmark. It keeps every span and every raw body it received.
 */
export class OtlpReceiver {
  private readonly received: ReceivedSpan[] = [];
  private readonly bodies: string[] = [];

  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (req.method !== 'POST' || req.url !== '/v1/traces' || !(req.headers['content-type'] ?? '').includes('json')) {
          res.writeHead(415).end();
          return;
        }
        this.accept(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    const address = receiver.server.address();
    receiver.port = typeof address === 'object' && address ? address.port : 0;
    return receiver;
  }

  /** What OTEL_EXPORTER_OTLP_ENDPOINT should say. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get spans(): readonly ReceivedSpan[] {
    return this.received;
  }

  /** Every export request as it arrived, for checks that nothing private was sent in any form. */
  get rawBodies(): readonly string[] {
    return this.bodies;
  }

  /** Waits until the spans received so far satisfy `done` (exports are batched, so they arrive late). */
  async waitFor(done: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs = 10_000): Promise<readonly ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (Date.now() > deadline) throw new Error(`expected spans did not arrive within ${timeoutMs} ms; received: ${this.received.map((span) => `${span.service}:${span.name}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.received;
  }

  clear(): void {
    this.received.length = 0;
    this.bodies.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(body: string): void {
    this.bodies.push(body);
    const traces = JSON.parse(body) as OtlpTraces;
    for (const resourceSpans of traces.resourceSpans ?? []) {
      const serviceName = decodeAttributes(resourceSpans.resource?.attributes)['service.name'];
      const service = typeof serviceName === 'string' ? serviceName : '';
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.received.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
            name: span.name,
            kind: span.kind,
            attributes: decodeAttributes(span.attributes),
            events: (span.events ?? []).map((event) => ({ name: event.name, attributes: decodeAttributes(event.attributes) })),
            status: span.status ?? {},
          });
        }
      }
    }
  }
}

function decodeAttributes(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map((attribute) => [attribute.key, decodeValue(attribute.value)]));
}

function decodeValue(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  return value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue;
}
