import { isExpectedSqlState } from './postgresql-log';

interface FerretDbLogEntry { readonly level?: unknown; readonly msg?: unknown; readonly err?: unknown; readonly error?: unknown }

/**
 * FerretDB logs (with `--log-format=json`) every PostgreSQL error of a query as an ERROR, with Go source
 * positions and the full arguments, also the unique violations the apps expect (issue 18: one long line
 * per conflict). Drops those by the PostgreSQL code FerretDB carries (`err.Code`), and shows the rest as
 * one readable line: level, message, the error's own message.
 */
export function forwardFerretDbLog(log: (line: string) => void): (line: string) => void {
  return (line) => {
    let entry: FerretDbLogEntry;
    try {
      entry = JSON.parse(line) as FerretDbLogEntry;
    } catch {
      log(line);
      return;
    }
    const error = entry.err ?? entry.error;
    // Either pgx's error object, or its text, which pgx ends with "(SQLSTATE <code>)".
    const code = typeof error === 'object' && error !== null ? (error as { Code?: unknown }).Code : /\(SQLSTATE ([0-9A-Z]{5})\)$/.exec(String(error))?.[1];
    if (typeof code === 'string' && isExpectedSqlState(code)) return;
    const detail = typeof error === 'object' && error !== null ? (error as { Message?: unknown }).Message ?? error : error;
    log([text(entry.level), text(entry.msg), detail === undefined ? '' : `: ${text(detail)}`].join(' ').trim());
  };
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
