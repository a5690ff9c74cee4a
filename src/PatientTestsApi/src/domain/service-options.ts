import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import type { Backoff } from '@patient-tests/shared/retry';

/** What the services take besides their ports; tests pass a clock, ids and a backoff that does not sleep. */
export interface ServiceOptions {
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Waits between update attempts that lost a race. */
  readonly contention?: Backoff;
  /** Reads back what another writer stored after losing a unique insert to it (readBackPolicy). */
  readonly readBack?: Backoff;
}

/** A unique insert said the resource exists, and reads do not show it yet: retryable, never a 500. */
export function notVisibleYet(): ServiceUnavailableError {
  return new ServiceUnavailableError('The resource this request refers to was stored, but cannot be read yet; retry shortly.', 1, { diagnostic: 'stored resource not visible after read-back' });
}
