import { ServiceUnavailableError, childTraceParent, formatTraceParent, newTraceParent, parseTraceParent } from '@patient-tests/shared';
import { request } from 'undici';
import type { AuditEntry, AuditTrail, RequestScope } from '../domain/audit-trail';

export interface AuditClientSettings {
  /** Base URL of the Audit API including its route prefix, e.g. `http://127.0.0.1:7072/api`. */
  readonly baseUrl: string;
  readonly functionKey: string;
  /** No request waits longer than this for the audit register. */
  readonly timeoutMs: number;
}

const sourceSystemName = 'PatientTestsApi';
const unavailable = 'The audit register could not record this request, so nothing was done. Retry shortly.';

/**
 * Records audit entries through the Audit API. Anything but a 201 within the timeout (a refused
 * connection, a 5xx, a 4xx, a slow answer) is a 503 for our caller: the 2020 sample skipped auditing
 * silently when misconfigured and waited forever for a slow Audit API.
 */
export class AuditClient implements AuditTrail {
  private readonly endpoint: string;

  constructor(private readonly settings: AuditClientSettings) {
    this.endpoint = `${settings.baseUrl.replace(/\/$/, '')}/auditrecord`;
  }

  async record(entry: AuditEntry, scope: RequestScope): Promise<void> {
    const incoming = parseTraceParent(scope.traceParent);
    const traceParent = incoming ? childTraceParent(incoming) : newTraceParent();
    let status: number;
    try {
      const response = await request(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-functions-key': this.settings.functionKey,
          traceparent: formatTraceParent(traceParent),
        },
        body: JSON.stringify({ sourceSystemName, resource: entry }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      status = response.statusCode;
      // Read the body either way so the keep-alive connection goes back to the pool.
      await response.body.dump();
    } catch (error: unknown) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.settings.timeoutMs} ms` : 'not reachable';
      throw new ServiceUnavailableError(unavailable, 5, { cause: error, diagnostic: `audit ${reason}` });
    }
    if (status !== 201) {
      throw new ServiceUnavailableError(unavailable, 5, { diagnostic: `audit answered ${status}` });
    }
  }
}
