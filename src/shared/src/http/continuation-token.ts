import { ValidationError } from '../errors/api-errors';

/** How one API writes the position a page ends at as text, and reads it back (undefined: not ours). */
export interface PagePosition<Position> {
  toText(position: Position): string;
  fromText(text: string): Position | undefined;
}

export interface ContinuationTokens<Position> {
  /** The token a page hands out for its last item. */
  encode(position: Position): string;
  /** The position a token names; a 400 naming `continuationToken` for anything this API did not issue. */
  decode(token: string): Position;
}

/**
 * Paging cursors of both apps: opaque to clients (base64url of the position's text), and a 400 for a token
 * the API did not issue, never a query from whatever a client made up.
 */
export function continuationTokens<Position>(position: PagePosition<Position>): ContinuationTokens<Position> {
  return {
    encode: (value) => Buffer.from(position.toText(value), 'utf8').toString('base64url'),
    decode: (token) => {
      const value = position.fromText(Buffer.from(token, 'base64url').toString('utf8'));
      if (value === undefined) throw new ValidationError([{ field: 'continuationToken', message: 'is not a token this API issued' }]);
      return value;
    },
  };
}
