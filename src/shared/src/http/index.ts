// What handlers use: decoding requests, reading bodies, problem documents, the W3C trace context.
export * from './problem-types';
export { toProblemResponse } from './to-problem-response';
export { decode, decodeTogether } from './decode';
export { queryParameters } from './query-parameters';
export { readJsonBody } from './read-json-body';
export type { JsonBodyTypes } from './json-media-type';
export * from './trace-context';
export { operationIdOf, problemAnswer, withProblemHandling } from './with-problem-handling';
export { locationOf } from './location';
export { routeId } from './route-id';
export { continuationTokens, type ContinuationTokens, type PagePosition } from './continuation-token';
