import { randomBytes } from 'node:crypto';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const allZeroTrace = '0'.repeat(32);
const allZeroSpan = '0'.repeat(16);

export interface TraceParent {
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: string;
}

/** Parses a W3C `traceparent` (version 00); anything malformed or all-zero is treated as absent. */
export function parseTraceParent(header: string | null | undefined): TraceParent | undefined {
  const match = traceparentPattern.exec((header ?? '').trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId = '', parentId = '', flags = ''] = match;
  if (traceId === allZeroTrace || parentId === allZeroSpan) return undefined;
  return { traceId, parentId, flags };
}

export function formatTraceParent(traceParent: TraceParent): string {
  return `00-${traceParent.traceId}-${traceParent.parentId}-${traceParent.flags}`;
}

/** A new sampled trace, as Azure's front ends start one when the caller sent none. */
export function newTraceParent(): TraceParent {
  return { traceId: randomBytes(16).toString('hex'), parentId: randomBytes(8).toString('hex'), flags: '01' };
}

/** The same trace with a new span id: what a hop sends downstream. */
export function childTraceParent(parent: TraceParent): TraceParent {
  return { ...parent, parentId: randomBytes(8).toString('hex') };
}
