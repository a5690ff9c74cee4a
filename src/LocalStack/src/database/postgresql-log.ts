/**
 * The SQLSTATEs of outcomes the apps expect and handle: 23505 (unique_violation) is how a unique insert
 * decides concurrent updates, idempotent replays and lazily recorded first versions. Logged as ERROR, it
 * printed 240 lines for 20 concurrent updates of one patient (issue 18): noise that hid real errors.
 */
const expectedSqlStates = new Set(['23505']);

export function isExpectedSqlState(code: string): boolean {
  return expectedSqlStates.has(code);
}

/**
 * PostgreSQL's `log_line_prefix` for the cluster: each line of a message (ERROR, DETAIL, STATEMENT) starts
 * with the message's SQLSTATE, so the forwarder decides by code rather than by message text.
 */
export const sqlStateLinePrefix = '%e|';

/**
 * Forwards PostgreSQL's log lines without the SQLSTATE prefix, dropping every line of a message whose
 * SQLSTATE is expected. Lines without the prefix continue the previous message (a multi-line statement)
 * and share its fate. Everything else (FATAL password failures, crashes, start-up) passes unchanged.
 */
export function forwardPostgresqlLog(log: (line: string) => void): (line: string) => void {
  let dropping = false;
  return (line) => {
    const match = /^([0-9A-Z]{5})\|(.*)$/.exec(line);
    if (match) {
      dropping = expectedSqlStates.has(match[1] ?? '');
      if (!dropping) log(match[2] ?? '');
      return;
    }
    if (!dropping) log(line);
  };
}
