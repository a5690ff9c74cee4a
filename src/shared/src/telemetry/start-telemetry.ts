import { context, propagation } from '@opentelemetry/api';
import type * as ApplicationInsights from 'applicationinsights';
import { app } from '@azure/functions';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MongoDBInstrumentation, type MongoDBInstrumentationConfig } from '@opentelemetry/instrumentation-mongodb';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { describeDatabaseCommand } from './database-statement';
import { PrivacySpanProcessor } from './privacy-span-processor';
import { decodeTelemetrySettings, type TelemetrySettings } from './telemetry-settings';

/** `off`: no provider, every OpenTelemetry call is a no-op and nothing is sent anywhere. */
export type TelemetryMode = 'off' | 'otlp' | 'azure-monitor';

export interface TelemetryOptions {
  /** The cloud role name App Insights shows for this app, unless OTEL_SERVICE_NAME says otherwise. */
  readonly serviceName: string;
  readonly environment: Readonly<Record<string, string | undefined>>;
}

const mongoDbOptions: MongoDBInstrumentationConfig = {
  enhancedDatabaseReporting: false,
  // Only commands a request caused; connection housekeeping would start traces of its own.
  requireParentSpan: true,
  dbStatementSerializer: describeDatabaseCommand,
};

let started: TelemetryMode | undefined;

/**
 * Starts tracing for one function app. Call it from the app's entry file before anything loads the
 * `mongodb` driver, which is only instrumented when it is loaded after this. Without a connection
 * string and without an OTLP endpoint it does nothing at all: no provider, no exporter, no probe.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryMode {
  if (started) return started;
  const settings = decodeTelemetrySettings(options.environment);
  const serviceName = settings.OTEL_SERVICE_NAME ?? options.serviceName;
  const processors: SpanProcessor[] = [new PrivacySpanProcessor()];
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
    const url = `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (settings.APPLICATIONINSIGHTS_CONNECTION_STRING !== undefined) {
    startAzureMonitor(settings, settings.APPLICATIONINSIGHTS_CONNECTION_STRING, serviceName, processors);
    started = 'azure-monitor';
  } else if (settings.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
    startOpenTelemetry(settings, serviceName, processors);
    started = 'otlp';
  } else {
    started = 'off';
  }
  return started;
}

function startAzureMonitor(settings: TelemetrySettings, connectionString: string, serviceName: string, spanProcessors: SpanProcessor[]): void {
  // Loaded only when configured: the distribution is large, and a local run must not even load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a conditional, synchronous load that must precede `mongodb`
  const { useAzureMonitor, shutdownAzureMonitor } = require('applicationinsights') as typeof ApplicationInsights;
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    // A fixed ratio instead of the default 5 traces per second, whose first traces after a cold start
    // are dropped: an audited API wants the whole chain of every request it keeps.
    samplingRatio: settings.TELEMETRY_SAMPLING_RATIO,
    tracesPerSecond: 0,
    // Live Metrics talks to a global Azure endpoint unless the connection string names one; only a
    // connection string that does (as those Azure issues do) turns it on, so a test's never leaves the host.
    enableLiveMetrics: /(^|;)\s*LiveEndpoint\s*=/i.test(connectionString),
    instrumentationOptions: {
      // The Functions host records incoming requests; the worker's own HTTP would only duplicate them.
      http: { enabled: false },
      mongoDb: { enabled: true, ...mongoDbOptions },
      azureSdk: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
    spanProcessors,
  });
  // useAzureMonitor binds each invocation to the host's trace through its own preInvocation hook.
  app.hook.appTerminate(() => shutdownAzureMonitor());
}

function startOpenTelemetry(settings: TelemetrySettings, serviceName: string, spanProcessors: SpanProcessor[]): void {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.TELEMETRY_SAMPLING_RATIO) }),
    spanProcessors,
  });
  // Installs the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new MongoDBInstrumentation(mongoDbOptions)] });
  // What Azure Monitor's Functions hook does: run each invocation inside the trace the host handed over.
  app.hook.preInvocation((hook) => {
    const { traceParent, traceState } = hook.invocationContext.traceContext ?? {};
    if (traceParent === undefined) return;
    const carrier: Record<string, string> = { traceparent: traceParent };
    if (traceState) carrier.tracestate = traceState;
    hook.functionHandler = context.bind(propagation.extract(context.active(), carrier), hook.functionHandler);
  });
  // Spans wait in a batch; the host runs appTerminate hooks when it stops, so the last ones are sent.
  app.hook.appTerminate(() => provider.shutdown());
}
