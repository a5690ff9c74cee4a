import type { IndexDescription } from 'mongodb';

/** Every searchable patient field (Cosmos DB indexes only `_id` by default), plus the birth-date range. */
export const patientIndexes: IndexDescription[] = [
  ...['firstName', 'lastName', 'fullName', 'gender', 'postCode', 'insuranceNumber', 'preferredContactNumber', 'lastUpdated'].map(
    (field) => ({ name: field, key: { [field]: 1 } }),
  ),
  { name: 'dateOfBirth_range', key: { _dateOfBirthDate: 1 } },
];

/** A patient's tests in creation order. */
export const medicalTestIndexes: IndexDescription[] = [
  { name: 'tests_by_patient', key: { _shardKey: 1, lastUpdated: 1, _id: 1 } },
];

/**
 * A patient's versions: the newest (updates, loads) and pages of history. Declared ascending, as
 * azurerm declares every key; the store sorts in full reverse (`_shardKey` -1, `_version` -1).
 */
export const patientVersionIndexes: IndexDescription[] = [
  { name: 'versions_by_patient', key: { _shardKey: 1, _version: 1 } },
];
