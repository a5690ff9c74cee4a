// Waits between tries that collided with other callers; free of any driver, so use cases may use it.
export { Backoff, readBackPolicy, type BackoffPolicy } from './backoff';
export { realRetryTools, type RetryTools } from './retry-tools';
