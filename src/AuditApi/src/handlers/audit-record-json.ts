import type { AuditRecord } from '../domain/audit-record';

/** The wire shape of a record: dates as ISO 8601 strings. */
export function toAuditRecordJson(record: AuditRecord) {
  return {
    id: record.id,
    sourceSystemName: record.sourceSystemName,
    actor: record.actor,
    resource: record.resource,
    createdDate: record.createdDate.toISOString(),
    correlationId: record.correlationId,
  };
}
