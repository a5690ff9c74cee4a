import type { Filter, Sort } from 'mongodb';
import type { AuditRecordQuery } from '../domain/audit-record';
import type { AuditRecordDocument } from './audit-record-document';

/**
 * The filter and sort of one query shape. Each shape has an index declared ascending (azurerm declares
 * index keys without a direction, see audit-indexes.ts); newest first is that index read in full
 * reverse, every key descending, which Cosmos DB serves from it.
 */
export function toFilterAndSort(query: AuditRecordQuery): { filter: Filter<AuditRecordDocument>; sort: Sort } {
  const filter: Filter<AuditRecordDocument> = {};
  let sort: Record<string, -1>;
  if (query.resourceType !== undefined) {
    filter['resource.type'] = query.resourceType;
    if (query.resourceId !== undefined) filter['resource.id'] = query.resourceId;
    sort = query.resourceId === undefined
      ? { 'resource.type': -1, createdDate: -1, _id: -1 }
      : { 'resource.type': -1, 'resource.id': -1, createdDate: -1, _id: -1 };
  } else if (query.actorId !== undefined) {
    filter['actor.id'] = query.actorId;
    sort = { 'actor.id': -1, createdDate: -1, _id: -1 };
  } else {
    sort = { createdDate: -1, _id: -1 };
  }
  const range: { $gte?: Date; $lt?: Date } = {};
  if (query.from) range.$gte = query.from;
  if (query.to) range.$lt = query.to;
  if (Object.keys(range).length > 0) filter.createdDate = range;
  if (query.after) {
    const { createdDate, id } = query.after;
    filter.$or = [{ createdDate: { $lt: createdDate } }, { createdDate, _id: { $lt: id } }];
  }
  return { filter, sort };
}
