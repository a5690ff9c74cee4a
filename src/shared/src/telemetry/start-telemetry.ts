// Only types at the top: each mode loads the modules it needs when it starts, so an app with telemetry
// off (the local default) loads none of the SDK. Loading the SDK, exporter and instrumentation took about
// 230 ms of each app's 340-480 ms entry load, paid by every new Flex Consumption instance before its
// first request (npm run bench prints the entry load).
/* eslint-disable @typescript-eslint/no-require-imports -- conditional, synchronous loads that must precede `mongodb` */
import type * as ApplicationInsights from 'applicationinsights';
import type * as OtlpHttpExporter from '@opentelemetry/exporter-trace-otlp-http';
import type * as Instrumentation from '@opentelemetry/instrumentation';
import type * as MongoDbInstrumentation from '@opentelemetry/instrumentation-mongodb';
import type { MongoDBInstrumentationConfig } from '@opentelemetry/instrumentation-mongodb';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type * as SemanticConventions from '@opentelemetry/semantic-conventions';
import type * as OpenTelemetryApi from '@opentelemetry/api';
import type * as AzureFunctions from '@azure/functions';
import type * as PrivacyProcessor from './privacy-span-processor';
import { describeDatabaseCommand } from './database-statement';
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
  if (settings.APPLICATIONINSIGHTS_CONNECTION_STRING === undefined && settings.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) {
    started = 'off';
    return started;
  }
  const serviceName = settings.OTEL_SERVICE_NAME ?? options.serviceName;
  const { PrivacySpanProcessor } = require('./privacy-span-processor') as typeof PrivacyProcessor;
  const processors: SpanProcessor[] = [new PrivacySpanProcessor()];
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
    const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttpExporter;
    const url = `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (settings.APPLICATIONINSIGHTS_CONNECTION_STRING !== undefined) {
    startAzureMonitor(settings, settings.APPLICATIONINSIGHTS_CONNECTION_STRING, serviceName, processors);
    started = 'azure-monitor';
  } else {
    startOpenTelemetry(settings, serviceName, processors);
    started = 'otlp';
  }
  return started;
}

function startAzureMonitor(settings: TelemetrySettings, connectionString: string, serviceName: string, spanProcessors: SpanProcessor[]): void {
  // Loaded only when configured: the distribution is large, and a local run must not even load it.
  const { useAzureMonitor, shutdownAzureMonitor } = require('applicationinsights') as typeof ApplicationInsights;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof SemanticConventions;
  const { app } = require('@azure/functions') as typeof AzureFunctions;
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
  const { NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof Instrumentation;
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof MongoDbInstrumentation;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof SemanticConventions;
  const { context, propagation } = require('@opentelemetry/api') as typeof OpenTelemetryApi;
  const { app } = require('@azure/functions') as typeof AzureFunctions;
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
