/**
 * What a MongoDB span may say about its command: its shape, never its values. Every value, including
 * those inside arrays, becomes "?", so a filter on a surname shows as `{"lastName":"?"}`. Member names
 * are kept: they are our schema, not patient data.
 */
export function describeDatabaseCommand(command: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(command, (_name, value: unknown) => {
    if (typeof value !== 'object' || value === null) return '?';
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (isBinaryLike(value)) return '?';
    return value;
  });
}

/** BSON values (ObjectId, Binary, Decimal128, Date) serialize to their contents; hide them too. */
function isBinaryLike(value: object): boolean {
  return value instanceof Date || Buffer.isBuffer(value) || '_bsontype' in value;
}
