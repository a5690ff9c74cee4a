// Imported first by index.ts: the mongodb driver is only traced when it is loaded after this runs.
import { startTelemetry } from '@patient-tests/shared/telemetry';

startTelemetry({ serviceName: 'audit-api', environment: process.env });
