import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DEFAULT_LIMIT, Page } from '../common/pagination';
import { toEventView } from '../events/room-event';
import { RoomEventLog } from '../events/room-event-log';
import { TransactionRunner } from '../events/transaction-runner';
import { RoomAccessService } from '../rooms/room-access.service';

export interface ReadMark {
  lastReadSeq: number;
  unreadCount: number;
}

/** Read marks (monotonic, per participant) and the room's event log for catching up. */
@Injectable()
export class ReadMarksService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly events: RoomEventLog,
  ) {}

  /** The mark never moves backwards and never past the room's last seq. */
  async markRead(actor: Actor, roomId: string, seq: number): Promise<ReadMark> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const [row] = await this.db.query<{ last_read_seq: string; unread: number }>(
      `WITH mark AS (
         UPDATE chat_participants p
            SET last_read_seq = GREATEST(p.last_read_seq, LEAST($4::bigint, r.last_seq)),
                last_read_message_id = COALESCE(
                  (SELECT m.id FROM chat_messages m
                    WHERE m.tenant_id = $1 AND m.room_id = $2 AND m.thread_id IS NULL
                      AND NOT m.is_deleted AND m.seq <= LEAST($4::bigint, r.last_seq)
                      AND m.seq > p.last_read_seq
                    ORDER BY m.seq DESC LIMIT 1),
                  p.last_read_message_id)
           FROM chat_rooms r
          WHERE r.tenant_id = $1 AND r.id = $2
            AND p.tenant_id = $1 AND p.room_id = $2 AND p.profile_id = $3
         RETURNING p.last_read_seq)
       SELECT mark.last_read_seq,
              (SELECT count(*)::int FROM chat_messages m
                WHERE m.tenant_id = $1 AND m.room_id = $2 AND m.thread_id IS NULL
                  AND NOT m.is_deleted AND m.seq > mark.last_read_seq
                  AND m.sender_profile_id <> $3) AS unread
         FROM mark`,
      [room.tenant_id, room.id, actor.profileId, seq],
    );
    return { lastReadSeq: Number(row.last_read_seq), unreadCount: row.unread };
  }

  async listEvents(
    actor: Actor,
    roomId: string,
    after = 0,
    limit = DEFAULT_LIMIT,
  ): Promise<Page<ReturnType<typeof toEventView>>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const events = await this.events.listAfter(room.tenant_id, room.id, after, limit + 1);
    return { items: events.slice(0, limit).map(toEventView), hasMore: events.length > limit };
  }
}
