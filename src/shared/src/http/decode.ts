import type { z } from 'zod';
import { ValidationError } from './errors';
import type { FieldError } from './problem-types';

/** Validates input against a schema and reports every problem, not only the first. */
export function decode<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => toFieldErrors(issue, input)));
}

function toFieldErrors(issue: z.core.$ZodIssue, input: unknown): FieldError[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: 'is not a known member' }));
  }
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) return [{ field: path, message: 'is required' }];
  return [{ field: path, message: issue.message }];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
