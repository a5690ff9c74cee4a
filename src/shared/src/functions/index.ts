// What an app's function files and its entry use: the definition type, its registration, the health check.
export * from './http-function-definition';
export { healthCheck } from './health-check';
