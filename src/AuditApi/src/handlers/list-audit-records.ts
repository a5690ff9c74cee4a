import type { HttpHandler } from '@azure/functions';
import { decode, queryParameters, withProblemHandling } from '@patient-tests/shared/http';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordQuerySchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';
import { auditPageTokens } from './audit-page-tokens';

export function listAuditRecordsHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    const { actor, continuationToken, ...query } = decode(auditRecordQuerySchema, queryParameters(request));
    const after = continuationToken === undefined ? undefined : auditPageTokens.decode(continuationToken);
    const page = await register.list({ ...query, actorId: actor, after });
    return {
      status: 200,
      jsonBody: { items: page.items.map(toAuditRecordJson), continuationToken: page.next === null ? null : auditPageTokens.encode(page.next) },
    };
  });
}
