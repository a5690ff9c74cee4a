import { driver } from './driver';

/**
 * The one rule for "the database cannot serve right now, retry shortly" (503 with Retry-After) as opposed
 * to an internal error (500). Both apps reach it through withThrottlingRetry (RetryingCollection).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { MongoServerSelectionError, MongoNetworkError, MongoServerError } = driver();
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) return true;
  if (error instanceof MongoServerError) {
    return transientServerCodes.has(error.code as number) || error.hasErrorLabel('RetryableWriteError') || isFerretDbBackendLost(error);
  }
  // mongodb 7.9 rethrows a write to a socket the server has closed as Node's own
  // "This socket has been ended by the other party" (EPIPE), not as a MongoNetworkError.
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && socketErrorCodes.has(code);
}

/** Socket errors the driver can let through unwrapped (found killing the database mid-write). */
const socketErrorCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * The server codes the driver's retryable-reads and -writes specifications treat as "server unavailable
 * for now" (not primary, shutting down, network). The driver retries them once; if that fails too, the
 * caller should retry later, not be told of a bug.
 */
const transientServerCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** FerretDB answers every failure of its PostgreSQL backend, a bug or an outage, with this code. */
const ferretDbInternalErrorCode = 1;

/**
 * PostgreSQL's SQLSTATEs for a lost or refused connection: class 08 (connection exception), 57P01
 * admin_shutdown (a fast shutdown, and the sessions of a crashed postmaster), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, shutting down, not yet accepting connections), 53300 too_many_connections.
 */
const transientSqlState = /^(08...|57P0[123]|53300)$/;

/**
 * Where PostgreSQL was not there to send a SQLSTATE, the cause FerretDB passes on is the Go error of the
 * connection itself: pgx's connect failure (`failed to connect to \`user=… database=…\`: … dial error …`),
 * or a connection cut mid-statement (Go's io.ErrUnexpectedEOF, the ECONNRESET of a read).
 */
const lostConnectionCause = /^(failed to connect to `|unexpected EOF$|read tcp \S+: read: connection reset by peer$)/;

/**
 * FerretDB 1.24 gives the driver nothing else to go by while its PostgreSQL restarts: code 1
 * (InternalError), no error labels, and a healthy connection to FerretDB itself, so neither the code nor
 * the driver's connection state tells an outage from a bug (issue 18, point 6). Its message carries the
 * PostgreSQL SQLSTATE when PostgreSQL answered, and the rule goes by that first: the error is transient
 * when every SQLSTATE in it is one of connection loss; only a message with none is read for the
 * connection's Go error text.
 * A code 1 with any other SQLSTATE (22P05 for a U+0000 in a string, 42501 for a missing grant) or cause
 * stays an internal error. The shapes, recorded from runs: src/shared/test/fixtures/ferretdb-errors.ts.
 */
function isFerretDbBackendLost(error: { code?: unknown; errmsg?: string; message: string }): boolean {
  if (error.code !== ferretDbInternalErrorCode) return false;
  const message = error.errmsg ?? error.message;
  const sqlStates = [...message.matchAll(/\(SQLSTATE (\w{5})\)/g)].map((match) => match[1] ?? '');
  if (sqlStates.length > 0) return sqlStates.every((state) => transientSqlState.test(state));
  // FerretDB prefixes the cause with its call trace, `[msg_insert.go:168 handler.(*Handler).MsgInsert] `,
  // whose names may hold brackets themselves (`[values.go:74 iterator.ConsumeValuesN[...]] `).
  return lostConnectionCause.test(message.replace(/^(\[\S+\.go:\d+ .*?\] )+/, ''));
}
