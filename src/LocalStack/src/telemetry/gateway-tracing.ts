import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { PrivacySpanProcessor } from '@patient-tests/shared/telemetry';

export interface GatewayTracing {
  readonly tracer: Tracer;
  /** Sends what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * The gateway's own tracer provider, sending to an OTLP endpoint as APIM sends to App Insights. It is
 * not registered globally: the stack's process (a test runner, say) keeps whatever it had.
 */
export function gatewayTracing(otlpEndpoint: string, exportDelayMs: number | undefined): GatewayTracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'api-gateway' }),
    spanProcessors: [
      new PrivacySpanProcessor(),
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: exportDelayMs }),
    ],
  });
  return { tracer: provider.getTracer('local-gateway'), shutdown: () => provider.shutdown() };
}
