import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { indexCoverage, recordQueriesOf } from '@patient-tests/local-stack';
import { MongoKeyClaimStore } from '../../src/data/mongo-key-claim-store';
import { MongoMedicalTestStore } from '../../src/data/mongo-medical-test-store';
import { MongoPatientStore } from '../../src/data/mongo-patient-store';
import { patientTestsCollections } from '../../src/data/patient-tests-indexes';
import type { KeyClaimStore } from '../../src/domain/idempotent-creations';
import type { MedicalTestStore } from '../../src/domain/medical-test';
import type { Patient, PatientCriteria, PatientStore } from '../../src/domain/patient';
import { aDateOfBirth } from '../fixtures/builders';

function aPatient(overrides: Partial<Patient> = {}): Patient {
  return {
    id: randomUUID(),
    firstName: 'Ada',
    lastName: 'Lovelace',
    fullName: 'Ada Lovelace',
    gender: 'female',
    dateOfBirth: aDateOfBirth('1815-12-10'),
    postCode: '2000',
    insuranceNumber: '1234567890',
    preferredContactNumber: '0400000000',
    lastUpdated: new Date(),
    version: 1,
    ...overrides,
  };
}

const everyCriterion: PatientCriteria[] = [
  {},
  { id: randomUUID() },
  { firstName: 'Ada' },
  { lastName: 'Lovelace' },
  { fullName: 'Ada Lovelace' },
  { gender: 'female' },
  { postCode: '2000' },
  { insuranceNumber: '1234567890' },
  { preferredContactNumber: '0400000000' },
  { bornFrom: new Date('1815-01-01') },
  { bornTo: new Date('1815-12-31') },
  { lastName: 'Lovelace', postCode: '2000', bornFrom: new Date('1800-01-01'), bornTo: new Date('1900-01-01') },
];

/**
 * Every method of each store port, with arguments that take each branch of its query. The mapped types
 * make a new port method a compile error here until its queries are exercised too.
 */
const patientStoreCalls: { [Method in keyof PatientStore]: (store: PatientStore, patient: Patient) => Promise<unknown>[] } = {
  insert: (store) => [store.insert(aPatient())],
  findById: (store, patient) => [store.findById(patient.id), store.findById(randomUUID())],
  findVersion: (store, patient) => [store.findVersion(patient.id, 1)],
  exists: (store, patient) => [store.exists(patient.id)],
  appendVersion: (store, patient) => [store.appendVersion({ ...patient, version: 2 }), store.appendVersion({ ...patient, version: 2 })],
  versions: (store, patient) => [store.versions(patient.id, { limit: 5 }), store.versions(patient.id, { limit: 5, beforeVersion: 2 })],
  search: (store, patient) => everyCriterion.flatMap((criteria) => [store.search(criteria, { limit: 5 }), store.search(criteria, { limit: 5, afterId: patient.id })]),
  // Inserts the searchable copy, then (after a newer version) replaces it.
  publish: (store, patient) => [store.publish(patient.id).then(() => store.appendVersion({ ...patient, version: 3 })).then(() => store.publish(patient.id))],
  publishedVersion: (store, patient) => [store.publishedVersion(patient.id)],
};

const keyClaimCalls: { [Method in keyof KeyClaimStore]: (store: KeyClaimStore) => Promise<unknown>[] } = {
  claim: (store) => {
    const claim = { id: randomUUID(), fingerprint: 'f', resourceId: randomUUID(), createdAt: new Date() };
    return [store.claim(claim, new Date(0)), store.claim({ ...claim, fingerprint: 'g' }, new Date(Date.now() + 60_000))];
  },
};

const testStoreCalls: { [Method in keyof MedicalTestStore]: (store: MedicalTestStore, patient: Patient) => Promise<unknown>[] } = {
  insert: (store, patient) => [store.insert({ id: randomUUID(), patientId: patient.id, performer: 'LAB', orderReference: 'ORDER-1', observations: [], lastUpdated: new Date() })],
  findById: (store, patient) => [store.findById(patient.id, randomUUID())],
  listByPatient: (store, patient) => [store.listByPatient(patient.id)],
};

describe('indexes: every query of the PatientTests stores is served by an index Terraform declares', () => {
  it('finds an index for each query shape and sort, and no declared index that no query uses', async () => {
    const queries = await recordQueriesOf('index_coverage', async ({ collection }) => {
      const patients = new MongoPatientStore({ current: collection('patients'), versions: collection('patientversions') });
      const tests = new MongoMedicalTestStore(collection('tests'));
      const claims = new MongoKeyClaimStore(collection('idempotencykeys'));
      const patient = aPatient();
      await patients.insert(patient);
      for (const call of Object.values(patientStoreCalls)) for (const operation of call(patients, patient)) await operation;
      for (const call of Object.values(testStoreCalls)) await Promise.all(call(tests, patient));
      for (const call of Object.values(keyClaimCalls)) for (const operation of call(claims)) await operation;
    });
    assert.ok(queries.some((shape) => shape.collection === 'tests' && shape.sort.length > 0), 'the tests list was not recorded');
    const declared = {
      patients: patientTestsCollections.patients.indexes,
      patientversions: patientTestsCollections.patient_versions.indexes,
      tests: patientTestsCollections.tests.indexes,
      idempotencykeys: patientTestsCollections.idempotency_keys.indexes,
    };
    const { unserved, unused } = indexCoverage(queries, declared);
    assert.deepEqual(unserved, [], 'queries without an index (declare one in src/PatientTestsApi/src/data/mongo-collections.json)');
    assert.deepEqual(unused, [], 'declared indexes no query uses');
    // The check can fail: with nothing declared, the searches and the tests list go unserved.
    assert.ok(indexCoverage(queries, { patients: [], patientversions: [], tests: [], idempotencykeys: [] }).unserved.length >= 8);
  });
});
