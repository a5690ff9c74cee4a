import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ensureIndexes } from '@patient-tests/shared/mongo';
import { MongoMedicalTestStore } from '../../src/data/mongo-medical-test-store';
import { MongoPatientStore } from '../../src/data/mongo-patient-store';
import type { PatientDocument } from '../../src/data/patient-document';
import { ensurePatientTestsIndexes, patientIndexes } from '../../src/data/patient-tests-indexes';
import type { MedicalTest } from '../../src/domain/medical-test';
import type { Patient } from '../../src/domain/patient';
import { openSuiteDatabase, type SuiteDatabase } from '@patient-tests/local-stack';
import { aDateOfBirth } from '../fixtures/builders';

function aPatient(overrides: Partial<Patient> = {}): Patient {
  return {
    id: randomUUID(),
    firstName: 'Ada',
    lastName: 'Lovelace',
    gender: 'female',
    dateOfBirth: aDateOfBirth('1815-12-10'),
    postCode: '2000',
    lastUpdated: new Date('2026-01-01T00:00:00.000Z'),
    version: 1,
    ...overrides,
  };
}

describe('Mongo stores on FerretDB', () => {
  let database: SuiteDatabase;
  let patients: MongoPatientStore;
  let tests: MongoMedicalTestStore;

  before(() => {
    database = openSuiteDatabase('stores', 'stores-test', (db) =>
      ensurePatientTestsIndexes(db, { patients: 'patients', patientVersions: 'patientversions', tests: 'tests', idempotencyKeys: 'idempotencykeys' }));
    patients = new MongoPatientStore({ current: database.collection('patients'), versions: database.collection('patientversions') });
    tests = new MongoMedicalTestStore(database.collection('tests'));
  });
  after(() => database.close());

  describe('MongoPatientStore', () => {
    const insertAndPublish = async (patient: Patient) => {
      await patients.insert(patient);
      await patients.publish(patient.id);
    };

    it('stores a patient as its version 1, then publishes its searchable copy with its shard key and birth date, and reads back only the domain members', async () => {
      const patient = aPatient({ fullName: 'Ada Lovelace' });
      await patients.insert(patient);
      assert.deepEqual(await patients.findById(patient.id), patient);
      assert.equal(await patients.exists(patient.id), true, 'it exists before it is published');
      assert.equal(await patients.publishedVersion(patient.id), undefined);
      assert.deepEqual(await patients.search({ id: patient.id }, { limit: 1 }), [], 'search has no copy yet');
      await patients.publish(patient.id);
      assert.equal(await patients.publishedVersion(patient.id), 1);
      assert.deepEqual(await patients.search({ id: patient.id }, { limit: 1 }), [patient]);
      const raw = await database.db.collection<PatientDocument>('patients').findOne({ _id: patient.id });
      assert.equal(raw?._shardKey, patient.id);
      assert.deepEqual(raw._dateOfBirthDate, new Date('1815-12-10T00:00:00.000Z'));
      assert.equal(await patients.exists(patient.id), true);
      assert.equal(await patients.exists(randomUUID()), false);
    });

    it('stores each version once, reads the newest, and keeps the searchable current state in step', async () => {
      const patient = aPatient();
      await patients.insert(patient);
      await patients.publish(patient.id);
      assert.equal(await patients.appendVersion({ ...patient, firstName: 'Augusta', version: 2 }), 'appended');
      assert.equal(await patients.appendVersion({ ...patient, firstName: 'Stale', version: 2 }), 'taken');
      assert.deepEqual(await patients.findById(patient.id), { ...patient, firstName: 'Augusta', version: 2 });
      assert.deepEqual((await patients.search({ id: patient.id }, { limit: 10 })).map((found) => [found.firstName, found.version]), [['Ada', 1]], 'until published');
      await patients.publish(patient.id);
      assert.deepEqual((await patients.search({ id: patient.id }, { limit: 10 })).map((found) => [found.firstName, found.version]), [['Augusta', 2]]);
      const raw = await database.db.collection<{ _id: string; _shardKey: string }>('patientversions').findOne({ _id: `${patient.id}:2` });
      assert.equal(raw?._shardKey, patient.id);
    });

    it('lists versions newest first and pages before a version', async () => {
      const patient = aPatient();
      await patients.insert(patient);
      for (let version = 2; version <= 5; version++) await patients.appendVersion({ ...patient, firstName: `V${version}`, version });
      assert.deepEqual((await patients.versions(patient.id, { limit: 3 })).map((found) => found.version), [5, 4, 3]);
      assert.deepEqual((await patients.versions(patient.id, { limit: 3, beforeVersion: 3 })).map((found) => found.firstName), ['V2', 'Ada']);
      assert.deepEqual(await patients.versions(randomUUID(), { limit: 3 }), []);
    });

    it('records the current state of a patient stored before versions existed as its version, once', async () => {
      const patient = aPatient({ version: 4 });
      await database.db.collection<PatientDocument>('patients').insertOne({
        _id: patient.id, _shardKey: patient.id, _version: 4, _dateOfBirthDate: new Date('1815-12-10T00:00:00.000Z'),
        firstName: patient.firstName, lastName: 'Lovelace', gender: 'female', dateOfBirth: patient.dateOfBirth, postCode: patient.postCode, lastUpdated: patient.lastUpdated,
      });
      assert.deepEqual(await patients.findById(patient.id), patient);
      assert.deepEqual(await patients.versions(patient.id, { limit: 10 }), [patient]);
      assert.equal(await patients.appendVersion({ ...patient, firstName: 'Next', version: 5 }), 'appended');
      assert.deepEqual((await patients.versions(patient.id, { limit: 10 })).map((found) => found.version), [5, 4]);
    });

    // FerretDB applies a filtered replace without a lock (docs/local-development.md); these prove that
    // what updates rest on, a unique insert, holds here: many rounds, so a race cannot pass by luck.
    const rounds = 10;
    const writers = 20;

    it(`lets exactly one of ${writers} concurrent writers store the same next version, in each of ${rounds} rounds`, async function () {
      this.timeout(240_000);
      const winners: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const patient = aPatient();
        await patients.insert(patient);
        const outcomes = await Promise.all(
          Array.from({ length: writers }, async (_, writer) => {
            const outcome = await patients.appendVersion({ ...patient, firstName: `W${writer}`, version: 2 });
            // Every writer publishes, as the use cases do (the losers' publish finds nothing to change).
            await patients.publish(patient.id);
            return outcome;
          }),
        );
        winners.push(outcomes.filter((outcome) => outcome === 'appended').length);
        const winner = outcomes.indexOf('appended');
        assert.equal((await patients.findById(patient.id))?.firstName, `W${winner}`);
        assert.deepEqual((await patients.search({ id: patient.id }, { limit: 1 })).map((found) => found.firstName), [`W${winner}`]);
      }
      assert.deepEqual(winners, Array.from({ length: rounds }, () => 1));
    });

    it(`keeps every one of ${writers} concurrent rebuild-and-retry writers, and leaves the current state at the newest, in each of ${rounds} rounds`, async function () {
      this.timeout(600_000);
      for (let round = 0; round < rounds; round++) {
        const patient = aPatient();
        await patients.insert(patient);
        const write = async (writer: number): Promise<number> => {
          for (;;) {
            const current = await patients.findById(patient.id);
            assert.ok(current);
            const next = { ...patient, firstName: `W${writer}`, version: current.version + 1 };
            if ((await patients.appendVersion(next)) === 'appended') {
              await patients.publish(patient.id);
              return next.version;
            }
          }
        };
        const stored = await Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));
        assert.deepEqual([...stored].sort((a, b) => a - b), Array.from({ length: writers }, (_, index) => index + 2));
        const newest = await patients.findById(patient.id);
        assert.equal(newest?.version, writers + 1);
        const [shown] = await patients.search({ id: patient.id }, { limit: 1 });
        assert.equal(shown?.version, writers + 1, `round ${round}: search shows the newest version`);
        assert.equal(shown.firstName, newest.firstName);
      }
    });

    it(`creates a patient once when ${writers} create the same id concurrently, in each of ${rounds} rounds`, async function () {
      this.timeout(240_000);
      for (let round = 0; round < rounds; round++) {
        const id = randomUUID();
        const outcomes = await Promise.all(Array.from({ length: writers }, (_, writer) => patients.insert(aPatient({ id, firstName: `W${writer}` }))));
        assert.equal(outcomes.filter(Boolean).length, 1, `round ${round}`);
        const winner = `W${outcomes.indexOf(true)}`;
        assert.equal((await patients.findVersion(id, 1))?.firstName, winner);
        assert.equal((await patients.findById(id))?.firstName, winner);
      }
    });

    it('reads one version, or the current state of a patient stored before versions existed', async () => {
      const patient = aPatient();
      await patients.insert(patient);
      await patients.appendVersion({ ...patient, firstName: 'Second', version: 2 });
      assert.deepEqual(await patients.findVersion(patient.id, 1), patient);
      assert.equal((await patients.findVersion(patient.id, 2))?.firstName, 'Second');
      assert.equal(await patients.findVersion(patient.id, 3), undefined);
      const legacy = aPatient();
      await database.db.collection<PatientDocument>('patients').insertOne({
        _id: legacy.id, _shardKey: legacy.id, _version: 1, _dateOfBirthDate: new Date('1815-12-10T00:00:00.000Z'),
        firstName: legacy.firstName, lastName: 'Lovelace', gender: 'female', dateOfBirth: legacy.dateOfBirth, postCode: legacy.postCode, lastUpdated: legacy.lastUpdated,
      });
      assert.deepEqual(await patients.findVersion(legacy.id, 1), legacy);
    });

    it('searches by exact fields and an inclusive birth-date range, ordered by id and paged after an id', async () => {
      const lastName = `STORE_${randomUUID().slice(0, 8)}`;
      const born = ['1970-01-01', '1970-12-31', '1971-01-01', '1969-12-31'];
      for (const dateOfBirth of born) await insertAndPublish(aPatient({ lastName, dateOfBirth: aDateOfBirth(dateOfBirth) }));
      const in1970 = await patients.search(
        { lastName, bornFrom: new Date('1970-01-01T00:00:00.000Z'), bornTo: new Date('1970-12-31T23:59:59.999Z') },
        { limit: 10 },
      );
      assert.deepEqual(in1970.map((patient) => patient.dateOfBirth).sort(), ['1970-01-01', '1970-12-31']);
      const all = await patients.search({ lastName }, { limit: 10 });
      assert.deepEqual(all.map((patient) => patient.id), all.map((patient) => patient.id).sort());
      const afterFirst = await patients.search({ lastName }, { limit: 10, afterId: all[0]?.id });
      assert.deepEqual(afterFirst.map((patient) => patient.id), all.slice(1).map((patient) => patient.id));
      assert.deepEqual(await patients.search({ lastName, gender: 'male' }, { limit: 10 }), []);
    });

    it('treats criteria as values, never as operators', async () => {
      const patient = aPatient({ lastName: '$ne' });
      await insertAndPublish(patient);
      assert.deepEqual((await patients.search({ lastName: '$ne' }, { limit: 10 })).map((found) => found.id), [patient.id]);
    });
  });

  describe('MongoMedicalTestStore', () => {
    it("lists a patient's tests oldest first and loads one only under its own patient", async () => {
      const patientId = randomUUID();
      const make = (minute: number): MedicalTest => ({
        id: randomUUID(), patientId, performer: 'lab', orderReference: `o${minute}`, lastUpdated: new Date(Date.UTC(2026, 0, 1, 0, minute)),
        observations: [{ id: 'o', code: 'c', measurement: 'm', interpretation: 'i', status: 's', issued: '2026-01-01T00:00:00Z' }],
      });
      const [later, earlier] = [make(5), make(1)];
      await tests.insert(later);
      await tests.insert(earlier);
      await tests.insert({ ...make(3), patientId: randomUUID() });
      assert.equal(await tests.insert({ ...later, performer: 'another' }), false, 'an id is stored once');
      assert.deepEqual(await tests.listByPatient(patientId), [earlier, later]);
      assert.deepEqual(await tests.findById(patientId, earlier.id), earlier);
      assert.equal(await tests.findById(randomUUID(), earlier.id), undefined);
    });
  });

  it('has created every index, idempotently', async () => {
    await database.connection.database();
    const db = database.db;
    await ensureIndexes(db.collection('patients'), patientIndexes);
    const names = async (collection: string) =>
      (await db.collection(collection).listIndexes().toArray()).map((index) => String((index as { name?: unknown }).name)).sort();
    assert.deepEqual(await names('patients'), ['_id_', ...patientIndexes.map((index) => String(index.name))].sort());
    assert.deepEqual(await names('tests'), ['_id_', 'tests_by_patient']);
    assert.deepEqual(await names('patientversions'), ['_id_', 'versions_by_patient']);
  });
});
