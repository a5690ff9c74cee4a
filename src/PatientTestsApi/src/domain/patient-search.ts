import { guid, pageLimit, text } from '@patient-tests/shared/schema';
import { z } from 'zod';
import { calendarDate, dateSpan, spanOf } from './calendar-date';
import type { Patient, PatientCriteria } from './patient';
import { patientMembers, patientLimits } from './patient-schema';

/** Patient search in one place: what a client may ask, how it pages, and the criteria the store gets. */

export const searchPaging = { defaultLimit: 50, maxLimit: 100 } as const;

/** Every member optional; exact matches, and an inclusive date-of-birth range. */
export const patientSearchSchema = z
  .strictObject({
    id: guid.optional(),
    firstName: text(patientLimits.name).optional(),
    lastName: text(patientLimits.name).optional(),
    fullName: text(patientLimits.fullName).optional(),
    gender: patientMembers.gender.optional(),
    dateOfBirthFrom: calendarDate.optional(),
    dateOfBirthTo: calendarDate.optional(),
    postCode: patientMembers.postCode.optional(),
    insuranceNumber: text(patientLimits.insuranceNumber).optional(),
    preferredContactNumber: text(patientLimits.contactNumber).optional(),
  })
  // zod runs this also when a date failed its own format check, so the dates are read as unchecked text here.
  .refine(
    ({ dateOfBirthFrom, dateOfBirthTo }) =>
      dateOfBirthFrom === undefined || dateOfBirthTo === undefined ||
      (dateSpan(dateOfBirthFrom)?.start ?? 0) <= (dateSpan(dateOfBirthTo)?.end ?? 0),
    { message: 'must not be after dateOfBirthTo', path: ['dateOfBirthFrom'] },
  );
export type PatientSearchBody = z.output<typeof patientSearchSchema>;

/** The query string of a search: page size, and the token of the page before (search-patients.ts reads it). */
export const searchPageSchema = z.strictObject({
  limit: pageLimit(searchPaging.defaultLimit, searchPaging.maxLimit),
  continuationToken: z.string().max(256).optional(),
});

/** One page of results, ordered by id. */
export interface SearchPage {
  readonly patients: Patient[];
  /** The id to continue after, when more patients match. */
  readonly nextAfterId: string | null;
}

/**
 * Turns the validated search body into criteria. Date-of-birth bounds become whole-day UTC instants:
 * `dateOfBirthFrom` from the start of its period, `dateOfBirthTo` to its end (so `1990` to `1990` is the
 * whole year).
 */
export function toPatientCriteria(body: PatientSearchBody): PatientCriteria {
  const { dateOfBirthFrom, dateOfBirthTo, id, ...exact } = body;
  return {
    ...exact,
    id: id?.toLowerCase(),
    bornFrom: dateOfBirthFrom === undefined ? undefined : spanOf(dateOfBirthFrom).start,
    bornTo: dateOfBirthTo === undefined ? undefined : spanOf(dateOfBirthTo).end,
  };
}
