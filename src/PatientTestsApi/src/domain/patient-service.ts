import { randomUUID } from 'node:crypto';
import { NotFoundError, PreconditionFailedError, ServiceUnavailableError } from '@patient-tests/shared/errors';
import { Backoff, readBackPolicy } from '@patient-tests/shared/retry';
import { actorIdOf, auditFirst, type AuditTrail, type RequestScope } from './audit-trail';
import type { Creation, IdempotentCreations } from './idempotent-creations';
import type { Patient, PatientCriteria, PatientFields, PatientStore } from './patient';
import type { SearchPage } from './patient-search';
import { notVisibleYet, type ServiceOptions } from './service-options';

export interface VersionPage {
  readonly versions: Patient[];
  /** The version to continue before, when older versions exist. */
  readonly nextBeforeVersion: number | null;
}

/**
 * How often an update without If-Match rebuilds on a newer version after losing the race for a version
 * number. Each lost race means another writer's update was stored, so N concurrent writers need at most
 * N attempts (more when a read does not see the winner yet, see Backoff); this bound is far above the
 * concurrency one patient sees and only stops a runaway loop. Between attempts a writer waits a random
 * few milliseconds, so losers do not all come back at once, and spend request units, in step.
 */
const updateContention = { attempts: 100, baseMs: 5, maxMs: 100 } as const;


/**
 * Patient use cases, each under auditFirst (docs/decisions/0001-audit-first-fail-closed.md). A change is
 * the version's unique insert, which alone decides the answer; publishing for search follows as best
 * effort, logged when it fails. Why: docs/decisions/0003-versions-and-searchable-copy.md
 */
export class PatientService {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly contention: Backoff;
  private readonly readBack: Backoff;

  constructor(
    private readonly patients: PatientStore,
    private readonly audit: AuditTrail,
    private readonly creations: IdempotentCreations,
    options: ServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.contention = options.contention ?? new Backoff(updateContention);
    this.readBack = options.readBack ?? new Backoff(readBackPolicy);
  }

  /**
   * Creates the patient. With an `Idempotency-Key` the patient's id follows from caller, key and fields,
   * so a repeat (a retry, or the same request sent concurrently) finds the patient the first one created
   * and answers with it, recorded in the audit register as a `replay`; nothing is created twice.
   */
  async create(fields: PatientFields, scope: RequestScope, idempotencyKey?: string): Promise<Creation<Patient>> {
    const request = idempotencyKey === undefined ? undefined : { actorId: actorIdOf(scope.actor), operation: 'createPatient', key: idempotencyKey, content: fields };
    const id = request ? this.creations.resourceIdFor(request) : this.newId();
    return auditFirst(this.audit, { type: 'patient', id, operation: 'create' }, scope, async () => {
      if (request) await this.creations.claim(request, id);
      const patient: Patient = { ...fields, id, lastUpdated: this.now(), version: 1 };
      if (await this.patients.insert(patient)) {
        await this.publish(id, scope);
        return { resource: patient, replayed: false };
      }
      return auditFirst(this.audit, { type: 'patient', id, operation: 'replay' }, scope, () => this.original(id, scope));
    });
  }

  /** What a repeated create answers with: the patient as the first request stored it. */
  private async original(id: string, scope: RequestScope): Promise<Creation<Patient>> {
    const original = await this.readBack.readUntilFound(async () => (await this.patients.findVersion(id, 1)) ?? (await this.patients.findById(id)));
    if (!original) throw notVisibleYet();
    // The first request may have stored the patient and failed to publish it.
    await this.repairSearch(id, original.version, scope);
    return { resource: original, replayed: true };
  }

  async load(id: string, scope: RequestScope): Promise<Patient> {
    return auditFirst(this.audit, { type: 'patient', id, operation: 'read' }, scope, async () => {
      const patient = (await this.patients.findById(id)) ?? notFound(id);
      await this.repairSearch(id, patient.version, scope);
      return patient;
    });
  }

  /**
   * Stores the fields as the patient's next version. With `expectedVersion` (the client's If-Match) the
   * next version must follow exactly that one: of concurrent writers with the same If-Match one wins and
   * the others get 412. Without it the update builds on whatever is newest and retries when another
   * writer took that version number, so every such update is applied and the last one stands, as in the
   * original API.
   */
  async update(id: string, fields: PatientFields, expectedVersion: number | undefined, scope: RequestScope): Promise<Patient> {
    return auditFirst(this.audit, { type: 'patient', id, operation: 'update' }, scope, () => this.appendNext(id, fields, expectedVersion, scope));
  }

  private async appendNext(id: string, fields: PatientFields, expectedVersion: number | undefined, scope: RequestScope): Promise<Patient> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.newestVersion(id, expectedVersion);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        // Often the caller's own retry of an update whose version was stored: let search catch up with it.
        await this.repairSearch(id, current.version, scope);
        throw stale(id);
      }
      const next: Patient = { ...fields, id, lastUpdated: this.now(), version: current.version + 1 };
      if ((await this.patients.appendVersion(next)) === 'appended') {
        await this.publish(id, scope);
        return next;
      }
      if (expectedVersion !== undefined) throw stale(id);
      if (attempt >= this.contention.policy.attempts) throw busy(id);
      await this.contention.pause(attempt);
    }
  }

  /**
   * The newest version. An If-Match ahead of what the read shows names a version another instance stored
   * that this read may not see yet (a lagging replica): read again a few times before answering 412.
   */
  private async newestVersion(id: string, expectedVersion: number | undefined): Promise<Patient> {
    const seen: { newest?: Patient } = {};
    const current = await this.readBack.readUntilFound(async () => {
      seen.newest = (await this.patients.findById(id)) ?? notFound(id);
      return expectedVersion === undefined || seen.newest.version >= expectedVersion ? seen.newest : undefined;
    });
    return current ?? seen.newest ?? notFound(id);
  }

  /** The patient's stored versions, newest first, a page at a time; audited as a read of the patient. */
  async versions(id: string, limit: number, beforeVersion: number | undefined, scope: RequestScope): Promise<VersionPage> {
    return auditFirst(this.audit, { type: 'patient', id, operation: 'history' }, scope, async () => {
      const found = await this.patients.versions(id, { limit: limit + 1, beforeVersion });
      if (found.length === 0 && !(await this.patients.exists(id))) notFound(id);
      const newest = found[0];
      if (beforeVersion === undefined && newest) await this.repairSearch(id, newest.version, scope);
      const versions = found.slice(0, limit);
      return { versions, nextBeforeVersion: found.length > limit ? (versions.at(-1)?.version ?? null) : null };
    });
  }

  async search(criteria: PatientCriteria, limit: number, afterId: string | undefined, scope: RequestScope): Promise<SearchPage> {
    return auditFirst(this.audit, { type: 'patient', operation: 'search' }, scope, async () => {
      // One extra row tells whether another page exists without counting.
      const found = await this.patients.search(criteria, { limit: limit + 1, afterId });
      const patients = found.slice(0, limit);
      return { patients, nextAfterId: found.length > limit ? (patients.at(-1)?.id ?? null) : null };
    });
  }

  /** The follow-up of a stored change: best effort (see the class comment). */
  private async publish(id: string, scope: RequestScope): Promise<void> {
    try {
      await this.patients.publish(id);
    } catch (error: unknown) {
      searchBehind(scope, id, error);
    }
  }

  /** The lazy repair: a read that sees a newer version than search shows publishes it, as best effort too. */
  private async repairSearch(id: string, newestVersion: number, scope: RequestScope): Promise<void> {
    try {
      if (((await this.patients.publishedVersion(id)) ?? 0) < newestVersion) await this.patients.publish(id);
    } catch (error: unknown) {
      searchBehind(scope, id, error);
    }
  }
}

/** Logged by type only: a driver's message can carry connection details. */
function searchBehind(scope: RequestScope, id: string, error: unknown): void {
  scope.log.warn('stored, but not yet published for search', { patientId: id, error: error instanceof Error ? error.name : typeof error });
}

function notFound(id: string): never {
  throw new NotFoundError(`No patient has the id ${id}.`);
}

function busy(id: string): ServiceUnavailableError {
  return new ServiceUnavailableError(`Patient ${id} is being updated by many callers at once; retry shortly.`, 1, { diagnostic: 'update attempts exhausted' });
}

function stale(id: string): PreconditionFailedError {
  return new PreconditionFailedError(`Patient ${id} has changed since the version in If-Match; load it again and retry.`);
}
