import { z } from 'zod';

/** A page size from the query string: a whole number from 1 to `max`, `fallback` when absent. */
export function pageLimit(fallback: number, max: number) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback);
}
