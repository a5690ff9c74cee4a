import { z } from 'zod';

/** Text a client sends: at least one character, at most `max`. */
export const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** An instant as ISO 8601 with an offset (`2026-11-22T10:15:00Z`), kept as the client wrote it. */
export const dateTime = () => z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/**
 * The ids both apps issue and take in paths and bodies: GUIDs (`8-4-4-4-12` hex digits), matched without
 * regard to case; both apps store them lower-cased.
 */
export const guid = z.guid('must be a GUID');

export function isGuid(value: unknown): value is string {
  return guid.safeParse(value).success;
}

/** A member only the server sets: sending it is a 400 naming it. */
export const assignedByServer = (name: string) => z.never({ error: `${name} is assigned by the server` }).optional();
