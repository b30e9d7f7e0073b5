import { Module } from '@nestjs/common';
import { RoomEventBus } from './room-event-bus';
import { RoomEventLog } from './room-event-log';
import { TransactionRunner } from './transaction-runner';

/**
 * Transactions, the room event log and the bus that publishes after commit. Every context that changes
 * a room writes through these, so the log and the live stream can never disagree.
 */
@Module({
  providers: [RoomEventBus, RoomEventLog, TransactionRunner],
  exports: [RoomEventBus, RoomEventLog, TransactionRunner],
})
export class EventsModule {}
