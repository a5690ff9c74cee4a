import { dateSpan } from './calendar-date';
import type { PatientCriteria } from './patient';
import type { PatientSearchBody } from './patient-schema';

/**
 * Turns the validated search body into criteria. Date-of-birth bounds become whole-day UTC instants:
 * `dateOfBirthFrom` from the start of its period, `dateOfBirthTo` to its end (so `1990` to `1990` is the
 * whole year). The original compared the JSON strings with dates and never matched.
 */
export function toPatientCriteria(body: PatientSearchBody): PatientCriteria {
  const { dateOfBirthFrom, dateOfBirthTo, id, ...exact } = body;
  return {
    ...exact,
    id: id?.toLowerCase(),
    bornFrom: dateOfBirthFrom === undefined ? undefined : dateSpan(dateOfBirthFrom)?.start,
    bornTo: dateOfBirthTo === undefined ? undefined : dateSpan(dateOfBirthTo)?.end,
  };
}
