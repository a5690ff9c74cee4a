import { driver } from './driver';

/** MongoDB's (and Cosmos DB's, and FerretDB's) code for a unique-index violation. */
export const duplicateKeyCode = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof driver().MongoServerError && error.code === duplicateKeyCode;
}
