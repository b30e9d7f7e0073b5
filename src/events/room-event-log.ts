import { Injectable } from '@nestjs/common';
import { RoomEvent, RoomEventType } from './room-event';
import { Tx, TransactionRunner } from './transaction-runner';

interface EventRow {
  seq: string;
  type: RoomEventType;
  data: unknown;
  created_at: Date;
}

const toEvent = (tenantId: string, roomId: string, row: EventRow): RoomEvent => ({
  tenantId,
  roomId,
  seq: Number(row.seq),
  type: row.type,
  data: row.data,
  createdAt: row.created_at.toISOString(),
});

/**
 * The per-room log. Appending takes the room's next `seq` by bumping `chat_rooms.last_seq`, which also
 * locks the room row until the transaction ends: that lock is what makes `seq` gap-free and ordered.
 */
@Injectable()
export class RoomEventLog {
  constructor(private readonly db: TransactionRunner) {}

  async append(
    tx: Tx,
    tenantId: string,
    roomId: string,
    type: RoomEventType,
    data: unknown,
  ): Promise<RoomEvent> {
    const [row] = await tx.query<EventRow>(
      `WITH room AS (
         UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE tenant_id = $1 AND id = $2
         RETURNING last_seq)
       INSERT INTO room_events (tenant_id, room_id, seq, type, data)
       SELECT $1, $2, room.last_seq, $3, $4 FROM room
       RETURNING seq, type, data, created_at`,
      [tenantId, roomId, type, JSON.stringify(data)],
    );
    const event = toEvent(tenantId, roomId, row);
    tx.emit(event);
    return event;
  }

  async listAfter(
    tenantId: string,
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<RoomEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT seq, type, data, created_at FROM room_events
        WHERE tenant_id = $1 AND room_id = $2 AND seq > $3
        ORDER BY seq LIMIT $4`,
      [tenantId, roomId, afterSeq, limit],
    );
    return rows.map((row) => toEvent(tenantId, roomId, row));
  }
}
