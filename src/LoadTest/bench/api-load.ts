import autocannon from 'autocannon';

export interface ApiResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Answers other than the expected status, plus connection errors and timeouts. */
  readonly unexpected: number;
  /** Answers per HTTP status, e.g. { "201": 900, "503": 40 }. */
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly timeouts: number;
}

export interface ApiLoad {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Cap on the overall request rate; absent means as fast as the API answers. */
  readonly overallRate?: number;
  /** A new path for every request (e.g. a random id), so reads do not all hit one document. */
  readonly nextPath?: () => string;
}

/** Drives one operation through the gateway with autocannon and keeps the figures the report needs. */
export async function measureApi(load: ApiLoad): Promise<ApiResult> {
  const result = await autocannon({
    url: load.url,
    method: load.method,
    headers: load.headers,
    body: load.body,
    connections: load.connections,
    duration: load.durationSeconds,
    ...(load.overallRate === undefined ? {} : { overallRate: load.overallRate }),
    ...(load.nextPath === undefined ? {} : { requests: [{ setupRequest: (request) => ({ ...request, path: load.nextPath?.() ?? request.path }) }] }),
  });
  return {
    requestsPerSecond: result.requests.total / load.durationSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    unexpected: result.non2xx + result.errors + result.timeouts,
    statusCounts: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0])),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
