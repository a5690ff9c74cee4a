import type { Collection, Document, Filter, FindOptions, OptionalUnlessRequiredId, Sort, WithId, WithoutId } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';
import type { MongoConnection } from './mongo-connection';
import { withThrottlingRetry, type ThrottlingRetryPolicy } from './throttling-retry';

/** What a query may ask for besides its filter. */
export interface FindShape {
  readonly sort?: Sort;
  readonly limit?: number;
  readonly projection?: FindOptions['projection'];
}

/**
 * The one way our stores reach a collection: the narrow set of operations they use, each under the Cosmos
 * throttling retry (and answering 503 when the database is out of reach), so no store method can forget
 * the retry. Built once per collection from the connection, its name and the policy; the database is
 * reached on first use, as MongoConnection connects.
 */
export class RetryingCollection<T extends Document> {
  constructor(
    private readonly connection: MongoConnection,
    readonly name: string,
    private readonly policy: ThrottlingRetryPolicy,
  ) {}

  /**
   * Inserts a document unless one with its `_id` exists: true when this call stored it, false when another
   * did. Of concurrent callers with the same `_id` exactly one gets true: the one write our concurrency
   * guarantees rest on. Why: docs/decisions/0002-unique-inserts.md
   */
  async insertIfAbsent(document: OptionalUnlessRequiredId<T>): Promise<boolean> {
    try {
      await this.insert(document);
      return true;
    } catch (error: unknown) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async insert(document: OptionalUnlessRequiredId<T>): Promise<void> {
    const collection = await this.collection();
    await withThrottlingRetry(() => collection.insertOne(document), this.policy);
  }

  async findOne(filter: Filter<T>, shape: Pick<FindShape, 'projection'> = {}): Promise<WithId<T> | null> {
    const collection = await this.collection();
    return withThrottlingRetry(() => collection.findOne(filter, shape.projection === undefined ? {} : { projection: shape.projection }), this.policy);
  }

  /** The first document in `sort` order, or null. */
  async findFirst(filter: Filter<T>, sort: Sort): Promise<WithId<T> | null> {
    const collection = await this.collection();
    return withThrottlingRetry(() => collection.find(filter).sort(sort).limit(1).next(), this.policy);
  }

  async find(filter: Filter<T>, shape: FindShape = {}): Promise<WithId<T>[]> {
    const collection = await this.collection();
    return withThrottlingRetry(() => {
      let cursor = collection.find(filter);
      if (shape.sort !== undefined) cursor = cursor.sort(shape.sort);
      if (shape.limit !== undefined) cursor = cursor.limit(shape.limit);
      return cursor.toArray();
    }, this.policy);
  }

  async replaceOne(filter: Filter<T>, replacement: WithoutId<T>): Promise<void> {
    const collection = await this.collection();
    await withThrottlingRetry(() => collection.replaceOne(filter, replacement), this.policy);
  }

  private async collection(): Promise<Collection<T>> {
    return (await this.connection.database()).collection<T>(this.name);
  }
}
