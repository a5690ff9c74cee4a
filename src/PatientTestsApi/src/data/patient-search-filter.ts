import type { Filter } from 'mongodb';
import { exactMatchFields, type PatientCriteria } from '../domain/patient';
import type { PatientDocument } from './patient-document';

/** Equality on every given field (values are validated strings, never operators), id order for paging. */
export function toSearchFilter(criteria: PatientCriteria, afterId: string | undefined): Filter<PatientDocument> {
  const { id, bornFrom, bornTo } = criteria;
  const filter: Filter<PatientDocument> = {};
  for (const field of exactMatchFields) {
    const value = criteria[field];
    if (value !== undefined) (filter as Record<string, unknown>)[field] = value;
  }
  const idRange: { $eq?: string; $gt?: string } = {};
  if (id !== undefined) idRange.$eq = id;
  if (afterId !== undefined) idRange.$gt = afterId;
  if (Object.keys(idRange).length > 0) filter._id = idRange;
  const born: { $gte?: Date; $lte?: Date } = {};
  if (bornFrom) born.$gte = bornFrom;
  if (bornTo) born.$lte = bornTo;
  if (Object.keys(born).length > 0) filter._dateOfBirthDate = born;
  return filter;
}
