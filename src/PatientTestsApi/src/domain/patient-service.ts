import { randomUUID } from 'node:crypto';
import { NotFoundError, PreconditionFailedError } from '@patient-tests/shared';
import type { AuditTrail, RequestScope } from './audit-trail';
import type { Patient, PatientCriteria, PatientFields, PatientStore } from './patient';

export interface SearchPage {
  readonly patients: Patient[];
  /** The id to continue after, when more patients match. */
  readonly nextAfterId: string | null;
}

/**
 * Patient use cases. Each one records its audit entry before touching data: when the audit trail
 * rejects, the use case stops there and nothing is read, returned or written.
 */
export class PatientService {
  constructor(
    private readonly patients: PatientStore,
    private readonly audit: AuditTrail,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  async create(fields: PatientFields, scope: RequestScope): Promise<Patient> {
    const id = this.newId();
    await this.audit.record({ type: 'patient', id, operation: 'create' }, scope);
    const patient: Patient = { ...fields, id, lastUpdated: this.now(), version: 1 };
    await this.patients.insert(patient);
    return patient;
  }

  async load(id: string, scope: RequestScope): Promise<Patient> {
    await this.audit.record({ type: 'patient', id, operation: 'read' }, scope);
    return (await this.patients.findById(id)) ?? notFound(id);
  }

  /**
   * Replaces the patient. With `expectedVersion` (the client's If-Match) a stale version is a 412;
   * without it the update applies to whatever version is stored, as the original API did.
   */
  async update(id: string, fields: PatientFields, expectedVersion: number | undefined, scope: RequestScope): Promise<Patient> {
    await this.audit.record({ type: 'patient', id, operation: 'update' }, scope);
    const current = (await this.patients.findById(id)) ?? notFound(id);
    const base = expectedVersion ?? current.version;
    if (base !== current.version) throw stale(id);
    const updated: Patient = { ...fields, id, lastUpdated: this.now(), version: current.version + 1 };
    const outcome = await this.patients.replace(updated, base);
    if (outcome === 'missing') notFound(id);
    if (outcome === 'version-mismatch') throw stale(id);
    return updated;
  }

  async search(criteria: PatientCriteria, limit: number, afterId: string | undefined, scope: RequestScope): Promise<SearchPage> {
    await this.audit.record({ type: 'patient', operation: 'search' }, scope);
    // One extra row tells whether another page exists without counting.
    const found = await this.patients.search(criteria, { limit: limit + 1, afterId });
    const patients = found.slice(0, limit);
    return { patients, nextAfterId: found.length > limit ? (patients.at(-1)?.id ?? null) : null };
  }
}

function notFound(id: string): never {
  throw new NotFoundError(`No patient has the id ${id}.`);
}

function stale(id: string): PreconditionFailedError {
  return new PreconditionFailedError(`Patient ${id} has changed since the version in If-Match; load it again and retry.`);
}
