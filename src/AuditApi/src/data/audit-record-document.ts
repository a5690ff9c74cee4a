import type { AuditActor, AuditRecord } from '../domain/audit-record';

/**
 * The stored shape. `_id` is the record id, so no second unique index is needed. Records stored before
 * actors were recorded have no `actor`; records whose caller named none have `actor: null`. Both read as null.
 */
export interface AuditRecordDocument {
  _id: string;
  sourceSystemName: string;
  actor?: AuditActorDocument | null;
  resource: { type: string; id?: string; operation: string };
  createdDate: Date;
  correlationId: string | null;
}

interface AuditActorDocument {
  id: string;
  kind: string;
  name?: string;
  product?: string;
  clientAddress?: string;
}

const optionalActorMembers = ['name', 'product', 'clientAddress'] as const;

export function toAuditRecordDocument(record: AuditRecord): AuditRecordDocument {
  const { id: resourceId, type, operation } = record.resource;
  return {
    _id: record.id,
    sourceSystemName: record.sourceSystemName,
    actor: record.actor ? copyActor(record.actor) : null,
    resource: resourceId === undefined ? { type, operation } : { type, id: resourceId, operation },
    createdDate: record.createdDate,
    correlationId: record.correlationId,
  };
}

/** Builds the domain object member by member, so nothing the database adds can leak into a response. */
export function fromAuditRecordDocument(document: AuditRecordDocument): AuditRecord {
  const { type, id: resourceId, operation } = document.resource;
  return {
    id: document._id,
    sourceSystemName: document.sourceSystemName,
    actor: document.actor ? copyActor(document.actor) : null,
    resource: resourceId === undefined ? { type, operation } : { type, id: resourceId, operation },
    createdDate: document.createdDate,
    correlationId: document.correlationId,
  };
}

function copyActor(actor: AuditActor): AuditActorDocument {
  const copy: AuditActorDocument = { id: actor.id, kind: actor.kind };
  for (const member of optionalActorMembers) {
    const value = actor[member];
    if (value !== undefined) copy[member] = value;
  }
  return copy;
}
