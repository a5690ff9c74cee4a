import { continuationTokens } from '@patient-tests/shared/http';
import { isGuid } from '@patient-tests/shared/schema';

/** A page of search results ends at its last patient's id; the token is that id (shared continuationTokens). */
export const searchPageTokens = continuationTokens<string>({
  toText: (afterId) => afterId,
  fromText: (text) => (isGuid(text) ? text : undefined),
});
