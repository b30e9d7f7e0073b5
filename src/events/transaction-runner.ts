import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RoomEvent } from './room-event';
import { RoomEventBus } from './room-event-bus';

/** A unit of work: queries on one connection, and the room events to publish if it commits. */
export interface Tx {
  readonly manager: EntityManager;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  emit(event: RoomEvent): void;
}

@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: RoomEventBus,
  ) {}

  /** Runs `work` in one transaction; its events are published, in order, only after the commit. */
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const events: RoomEvent[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({
        manager,
        query: (sql, params) => manager.query(sql, params),
        emit: (event) => events.push(event),
      }),
    );
    this.bus.publish(events);
    return result;
  }

  /** A read outside any transaction. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }
}
