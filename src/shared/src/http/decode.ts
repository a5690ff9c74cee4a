import type { z } from 'zod';
import { ValidationError } from '../errors/api-errors';
import type { FieldError } from '../errors/field-error';

/**
 * Reads the parts of one request (body, headers, path, query), each with its own decoder, and reports the
 * validation problems of all of them in one 400, so a client fixes the body and a header at once. Any
 * other error (413, 415) stops at once, as thrown.
 */
export async function decodeTogether<Parts extends unknown[]>(...decoders: { [K in keyof Parts]: () => Parts[K] | Promise<Parts[K]> }): Promise<Parts> {
  const problems: FieldError[] = [];
  const parts: unknown[] = [];
  for (const decoder of decoders) {
    try {
      parts.push(await decoder());
    } catch (error: unknown) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.errors);
      parts.push(undefined);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return parts as Parts;
}

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
