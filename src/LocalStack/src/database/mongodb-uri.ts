/**
 * A MongoDB connection string for FerretDB on PostgreSQL with a PostgreSQL role's credentials: FerretDB
 * 1.24 takes them with the PLAIN mechanism and connects to PostgreSQL as that role (SCRAM on loopback).
 */
export function ferretDbUri(port: number, user: string, password: string): string {
  return `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/?authMechanism=PLAIN&authSource=%24external`;
}
