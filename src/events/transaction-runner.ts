import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { RoomEvent } from './room-event';
import { RoomEventBus } from './room-event-bus';

/**
 * Anything that runs SQL: the pool or an open transaction. Inside a transaction every query must go
 * through the transaction: the embedded database is one backend and queues other connections until
 * the transaction ends, so a pool query from inside it would wait forever.
 */
export type Queryable = Pick<Tx, 'query'>;

/** A unit of work: queries on one connection, and the room events to publish if it commits. */
export interface Tx {
  readonly manager: EntityManager;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  emit(event: RoomEvent): void;
}

/**
 * Plain SQL on the pooled connections. Rows always come back as rows: TypeORM's `manager.query` answers
 * UPDATE ... RETURNING with `[rows, count]`, so both paths ask for structured results.
 */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: RoomEventBus,
  ) {}

  /** Runs `work` in one transaction; its events are published, in order, only after the commit. */
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const events: RoomEvent[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      return work({
        manager,
        query: async (sql, params) => (await runner.query(sql, params, true)).records,
        emit: (event) => events.push(event),
      });
    });
    this.bus.publish(events);
    return result;
  }

  /** A single statement outside any transaction, straight on the pool. */
  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.pool().query(sql, params)).rows as T[];
  }

  /**
   * A hot statement as a named prepared statement: PostgreSQL parses it once per connection and can
   * reuse its plan, which measured as a third more sends per second than sending the text each time.
   * `name` must stand for this one `sql` text.
   */
  async prepared<T = Record<string, unknown>>(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<T[]> {
    const client = await this.pool().connect();
    try {
      return (await client.query({ name: statementName(client, name), text: sql, values: params }))
        .rows as T[];
    } finally {
      client.release();
    }
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}

const connectionIds = new WeakMap<PoolClient, string>();

/**
 * Prepared statements belong to a database session. The embedded database has one session for all its
 * connections, from every process and app instance, so each connection gets names of its own.
 */
function statementName(client: PoolClient, name: string): string {
  let id = connectionIds.get(client);
  if (id === undefined) {
    id = randomBytes(6).toString('hex');
    connectionIds.set(client, id);
  }
  return `${name}_${id}`;
}
