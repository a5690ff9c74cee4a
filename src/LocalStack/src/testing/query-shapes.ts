import { MongoConnection, RetryingCollection, defaultThrottlingRetryPolicy } from '@patient-tests/shared/mongo';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';

/** What a query needs from an index: the fields it filters on (exactly or by range) and its sort. */
export interface QueryShape {
  readonly collection: string;
  readonly command: string;
  readonly equality: readonly string[];
  readonly ranges: readonly string[];
  readonly sort: readonly (readonly [field: string, direction: 1 | -1])[];
}

/** An index as the app declares it (and Terraform creates it): ascending keys, in order. */
export interface IndexKeys {
  readonly name: string;
  readonly keys: readonly string[];
  /** Served to people querying the database directly, so no query of the app has to use it. */
  readonly outsideTheApi?: boolean | undefined;
}

export interface QueryRecorder {
  /** What the stores take: the apps' own connection class, handing out the recorded database. */
  readonly connection: MongoConnection;
  readonly db: Db;
  readonly shapes: QueryShape[];
  /** A collection as every store reaches it (RetryingCollection, the default policy), recorded. */
  readonly collection: <T extends Document>(name: string) => RetryingCollection<T>;
  /** Drops the database and closes the client. */
  close(): Promise<void>;
}

/**
 * A client on the real database that records the shape of every query the code sends (find, update,
 * delete, findAndModify, count and aggregate `$match`), so a test can check each one against the
 * declared indexes instead of trusting a list written by hand.
 */
export async function recordQueryShapes(uri: string, databaseName: string): Promise<QueryRecorder> {
  const client = new MongoClient(uri, { monitorCommands: true });
  const shapes: QueryShape[] = [];
  client.on('commandStarted', (event: CommandStartedEvent) => {
    if (event.databaseName === databaseName) shapes.push(...shapesOf(event.commandName, event.command));
  });
  await client.connect();
  const db = client.db(databaseName);
  const connection = new RecordedConnection(db);
  return {
    connection,
    db,
    shapes,
    collection: <T extends Document>(name: string) => new RetryingCollection<T>(connection, name, defaultThrottlingRetryPolicy),
    close: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}

class RecordedConnection extends MongoConnection {
  constructor(private readonly db: Db) {
    super({ uri: 'mongodb://recorded', databaseName: db.databaseName, serverSelectionTimeoutMs: 1, appName: 'query-recorder' });
  }

  override database(): Promise<Db> {
    return Promise.resolve(this.db);
  }
}

function shapesOf(name: string, command: Document): QueryShape[] {
  const collection = String(command[name]);
  const shape = (filter: unknown, sort: unknown): QueryShape => ({ collection, command: name, ...fieldsOf(filter), sort: sortOf(sort) });
  switch (name) {
    case 'find':
      return [shape(command.filter, command.sort)];
    case 'findAndModify':
      return [shape(command.query, command.sort)];
    case 'count':
      return [shape(command.query, undefined)];
    case 'update':
    case 'delete': {
      const statements = (name === 'update' ? command.updates : command.deletes) as Document[];
      return statements.map((statement) => shape(statement.q, undefined));
    }
    case 'aggregate':
      return (command.pipeline as Document[]).filter((stage) => '$match' in stage).map((stage) => shape(stage.$match, undefined));
    default:
      return [];
  }
}

const rangeOperators = new Set(['$gt', '$gte', '$lt', '$lte']);
const equalityOperators = new Set(['$eq', '$in']);

function fieldsOf(filter: unknown): { equality: string[]; ranges: string[] } {
  const equality = new Set<string>();
  const ranges = new Set<string>();
  const visit = (node: unknown) => {
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$and' || key === '$or') {
        for (const branch of value as unknown[]) visit(branch);
      } else if (isPlainObject(value) && Object.keys(value).some((operator) => operator.startsWith('$'))) {
        for (const operator of Object.keys(value)) {
          if (rangeOperators.has(operator)) ranges.add(key);
          else if (equalityOperators.has(operator)) equality.add(key);
          else throw new Error(`query operator ${operator} on ${key}: teach query-shapes.ts which index serves it`);
        }
      } else {
        equality.add(key);
      }
    }
  };
  visit(filter);
  for (const field of equality) ranges.delete(field);
  return { equality: [...equality], ranges: [...ranges] };
}

/** The driver hands the sort over as a Map (to keep its order); a raw command may carry an object. */
function sortOf(sort: unknown): [string, 1 | -1][] {
  const entries = sort instanceof Map ? [...(sort as Map<string, unknown>)] : isPlainObject(sort) ? Object.entries(sort) : [];
  return entries.map(([field, direction]) => [field, direction === -1 ? -1 : 1]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The index that serves a query best, as Cosmos DB needs it: a sort on more than `_id` needs an index whose
 * keys are some of the query's equality fields followed by the sort fields, all in the sort's direction or
 * all reversed (every declared key is ascending); a filter must start on an index (or on `_id`), not scan.
 * Among several, the one that narrows the query most (more leading keys it filters on). Returns undefined
 * when nothing declared serves it.
 */
export function servingIndex(shape: QueryShape, indexes: readonly IndexKeys[]): IndexKeys | '_id' | undefined {
  const filtered = [...shape.equality, ...shape.ranges];
  const sortFields = shape.sort.map(([field]) => field);
  const needsSortIndex = sortFields.length > 0 && !(sortFields.length === 1 && sortFields[0] === '_id');
  if (needsSortIndex) {
    if (new Set(shape.sort.map(([, direction]) => direction)).size > 1) return undefined;
    const candidates = indexes.filter((index) => {
      const prefix = index.keys.slice(0, index.keys.length - sortFields.length);
      const tail = index.keys.slice(index.keys.length - sortFields.length);
      return tail.join('\u0000') === sortFields.join('\u0000') && prefix.every((key) => shape.equality.includes(key));
    });
    return narrowest(candidates, (index) => index.keys.length);
  }
  // An exact `_id` is a point read; a filter on `_id` alone (paging through everything) walks the `_id` index.
  const others = filtered.filter((field) => field !== '_id');
  if (shape.equality.includes('_id') || others.length === 0) return '_id';
  const leadingMatches = (index: IndexKeys) => {
    let count = 0;
    while (count < index.keys.length && others.includes(index.keys[count] ?? '')) count++;
    return count;
  };
  return narrowest(indexes.filter((index) => leadingMatches(index) > 0), leadingMatches);
}

function narrowest(candidates: readonly IndexKeys[], score: (index: IndexKeys) => number): IndexKeys | undefined {
  return [...candidates].sort((left, right) => score(right) - score(left))[0];
}

export function describeShape(shape: QueryShape): string {
  const sort = shape.sort.map(([field, direction]) => `${field} ${direction === 1 ? 'asc' : 'desc'}`).join(', ');
  return `${shape.command} on ${shape.collection}: equal [${shape.equality.join(', ')}] range [${shape.ranges.join(', ')}]${sort ? ` sort [${sort}]` : ''}`;
}

/**
 * Checks recorded queries against the declared indexes of each collection: queries no index serves, and
 * declared indexes that serve no query best (every index costs request units on each write) unless they
 * are there for people querying the database directly.
 */
export function indexCoverage(shapes: readonly QueryShape[], declared: Readonly<Record<string, readonly IndexKeys[]>>): { unserved: string[]; unused: string[] } {
  const used = new Set<IndexKeys>();
  const unserved: string[] = [];
  for (const shape of shapes) {
    const indexes = declared[shape.collection];
    if (!indexes) {
      unserved.push(`${describeShape(shape)} (no collection declared)`);
      continue;
    }
    const index = servingIndex(shape, indexes);
    if (index === undefined) unserved.push(describeShape(shape));
    else if (index !== '_id') used.add(index);
  }
  const unused = Object.entries(declared).flatMap(([collection, indexes]) =>
    indexes.filter((index) => !used.has(index) && !index.outsideTheApi).map((index) => `${collection}.${index.name} (${index.keys.join(', ')})`),
  );
  return { unserved: [...new Set(unserved)], unused };
}
