import { z } from 'zod';
import type { PageCursor } from './audit-record';

const tokenShape = z.strictObject({ d: z.iso.datetime(), i: z.uuid() });

/** Opaque to clients: base64url of the last record's position. */
export function encodeContinuationToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ d: cursor.createdDate.toISOString(), i: cursor.id })).toString('base64url');
}

/** Returns undefined for anything that is not a token this API issued. */
export function decodeContinuationToken(token: string): PageCursor | undefined {
  try {
    const parsed = tokenShape.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? { createdDate: new Date(parsed.data.d), id: parsed.data.i } : undefined;
  } catch {
    return undefined;
  }
}
