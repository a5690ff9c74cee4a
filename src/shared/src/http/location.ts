import type { HttpRequest } from '@azure/functions';

/** Location of a new resource: its id under the collection the request was sent to. */
export function locationOf(request: HttpRequest, id: string): string {
  return `${new URL(request.url).pathname.replace(/\/$/, '')}/${id}`;
}
