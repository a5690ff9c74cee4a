import type { AuditRecord } from '../domain/audit-record';

/** The stored shape. `_id` is the record id, so no second unique index is needed. */
export interface AuditRecordDocument {
  _id: string;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  createdDate: Date;
  correlationId: string | null;
}

export function toDocument(record: AuditRecord): AuditRecordDocument {
  const { id: resourceId, type, operation } = record.resource;
  return {
    _id: record.id,
    sourceSystemName: record.sourceSystemName,
    resource: resourceId === undefined ? { type, operation } : { type, id: resourceId, operation },
    createdDate: record.createdDate,
    correlationId: record.correlationId,
  };
}

/** Builds the domain object member by member, so nothing the database adds can leak into a response. */
export function fromDocument(document: AuditRecordDocument): AuditRecord {
  const { type, id: resourceId, operation } = document.resource;
  return {
    id: document._id,
    sourceSystemName: document.sourceSystemName,
    resource: resourceId === undefined ? { type, operation } : { type, id: resourceId, operation },
    createdDate: document.createdDate,
    correlationId: document.correlationId,
  };
}
