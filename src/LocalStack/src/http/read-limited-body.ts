import type { IncomingMessage } from 'node:http';

/**
 * The whole request body, or undefined once it passes `limit` bytes. A declared length over the limit
 * is refused before anything is read.
 */
export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? '0') > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
