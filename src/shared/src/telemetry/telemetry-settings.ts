import { z } from 'zod';
import { decodeEnvironment } from '../config/decode-environment';
import { setting } from '../config/settings';

type Environment = Readonly<Record<string, string | undefined>>;

const shape = {
  // Set by Azure (app setting, usually a Key Vault reference); absent locally.
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting.optionalString(2048),
  // A collector or Jaeger, e.g. http://127.0.0.1:4318; spans go there too when set.
  OTEL_EXPORTER_OTLP_ENDPOINT: setting.httpUrl().optional(),
  OTEL_SERVICE_NAME: setting.optionalString(128),
  // Share of new traces kept; a caller's sampling decision is always honoured.
  TELEMETRY_SAMPLING_RATIO: z.coerce.number().min(0).max(1).default(1),
};

export type TelemetrySettings = ReturnType<typeof decodeTelemetrySettings>;

export function decodeTelemetrySettings(environment: Environment) {
  return decodeEnvironment(shape, environment);
}
