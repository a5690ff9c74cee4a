import type { HttpHandler } from '@azure/functions';
import { decode, withProblemHandling } from '@patient-tests/shared';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordQuerySchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';

/** `code` carries the function key when a caller cannot send headers; it is the host's, not a filter. */
const hostQueryParameters = new Set(['code']);

export function listAuditRecordsHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    const parameters = Object.fromEntries(
      [...request.query.entries()].filter(([name]) => !hostQueryParameters.has(name)),
    );
    const query = decode(auditRecordQuerySchema, parameters);
    const page = await register.list(query);
    return {
      status: 200,
      jsonBody: { items: page.items.map(toAuditRecordJson), continuationToken: page.continuationToken },
    };
  });
}
