import { continuationTokens } from '@patient-tests/shared/http';
import { z } from 'zod';
import type { PageCursor } from '../domain/audit-record';

const position = z.strictObject({ d: z.iso.datetime(), i: z.uuid() });

/** A page of records ends at its last record's date and id; the token is that position as JSON (shared continuationTokens). */
export const auditPageTokens = continuationTokens<PageCursor>({
  toText: (cursor) => JSON.stringify({ d: cursor.createdDate.toISOString(), i: cursor.id }),
  fromText: (text) => {
    let parsed: z.ZodSafeParseResult<z.output<typeof position>>;
    try {
      parsed = position.safeParse(JSON.parse(text));
    } catch {
      return undefined;
    }
    return parsed.success ? { createdDate: new Date(parsed.data.d), id: parsed.data.i } : undefined;
  },
});
