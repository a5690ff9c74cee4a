// A separate entry point: it must be loadable before anything requires the `mongodb` driver.
export { startTelemetry, type TelemetryMode, type TelemetryOptions } from './start-telemetry';
export { describeDatabaseCommand } from './database-statement';
export { PrivacySpanProcessor } from './privacy-span-processor';
