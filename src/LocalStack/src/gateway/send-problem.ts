import type { ServerResponse } from 'node:http';
import { problemContentType, type ProblemDocument } from '@patient-tests/shared/http';

/** Every answer the gateway gives itself (not the backend's) is a problem document, as API Management's error policies give. */
export function sendProblem(res: ServerResponse, document: ProblemDocument, headers: Record<string, string> = {}): void {
  res.writeHead(document.status, { 'content-type': problemContentType, ...headers }).end(JSON.stringify(document));
}
