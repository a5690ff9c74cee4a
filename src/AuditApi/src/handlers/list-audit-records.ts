import type { HttpHandler } from '@azure/functions';
import { ValidationError, decode, withProblemHandling } from '@patient-tests/shared';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordQuerySchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';

/** `code` carries the function key when a caller cannot send headers; it is the host's, not a filter. */
const hostQueryParameters = new Set(['code']);

export function listAuditRecordsHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    const entries = [...request.query.entries()].filter(([name]) => !hostQueryParameters.has(name));
    const repeated = [...new Set(entries.map(([name]) => name).filter((name, index, names) => names.indexOf(name) !== index))];
    if (repeated.length > 0) throw new ValidationError(repeated.map((field) => ({ field, message: 'must be given once' })));
    const query = decode(auditRecordQuerySchema, Object.fromEntries(entries));
    const page = await register.list(query);
    return {
      status: 200,
      jsonBody: { items: page.items.map(toAuditRecordJson), continuationToken: page.continuationToken },
    };
  });
}
