import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import {
  activityKeySql,
  decodeActivityCursor,
  encodeActivityCursor,
} from '../common/activity-cursor';
import { newId } from '../common/ids';
import { DEFAULT_LIMIT } from '../common/pagination';
import { RoomEventLog } from '../events/room-event-log';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import { CreateRoomDto, ListRoomsQuery, UpdateRoomDto } from './dto/room.dto';
import { ParticipantStore } from './participant-store';
import { assertAllowed, RoomAccessService } from './room-access.service';
import { RoomErrors } from './rooms.errors';
import { ParticipantRole, RoomRow, RoomType, RoomView, toRoomView } from './room.types';

export interface RoomListItem extends RoomView {
  myRole: ParticipantRole | null;
  unreadCount: number;
}

export interface RoomList {
  items: RoomListItem[];
  hasMore: boolean;
  nextCursor: string | null;
}

interface NewRoom {
  name: string;
  roomType: RoomType;
  topic?: string | null;
  description?: string | null;
  maxParticipants?: number;
  dmKey?: string;
}

@Injectable()
export class RoomsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly participants: ParticipantStore,
    private readonly events: RoomEventLog,
  ) {}

  async create(actor: Actor, dto: CreateRoomDto): Promise<RoomView> {
    return this.db.run(async (tx) => {
      const room = (await this.insert(tx, actor, dto))!;
      await this.participants.enroll(tx, room, actor.profileId, 'owner');
      return toRoomView(await this.reload(tx, room));
    });
  }

  /**
   * Inserts a room row. DM rooms pass a `dmKey`; when that key exists already nothing is inserted and
   * undefined is returned, so concurrent creations meet on the first row.
   */
  async insert(tx: Tx, actor: Actor, room: NewRoom): Promise<RoomRow | undefined> {
    const [row] = await tx.query<RoomRow>(
      `INSERT INTO chat_rooms (tenant_id, id, name, room_type, topic, description, max_participants,
                               created_by_profile_id, dm_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, dm_key) WHERE dm_key IS NOT NULL DO NOTHING
       RETURNING *`,
      [
        actor.tenantId,
        newId(),
        room.name,
        room.roomType,
        room.topic ?? null,
        room.description ?? null,
        room.maxParticipants ?? 0,
        actor.profileId,
        room.dmKey ?? null,
      ],
    );
    return row;
  }

  async reload(tx: Tx, room: Pick<RoomRow, 'tenant_id' | 'id'>): Promise<RoomRow> {
    const [row] = await tx.query<RoomRow>(
      `SELECT * FROM chat_rooms WHERE tenant_id = $1 AND id = $2`,
      [room.tenant_id, room.id],
    );
    return row;
  }

  async get(actor: Actor, roomId: string): Promise<RoomView> {
    const { room } = await this.access.require(actor, roomId, 'view');
    return toRoomView(room);
  }

  async list(actor: Actor, query: ListRoomsQuery): Promise<RoomList> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [activity, id] = query.cursor ? decodeActivityCursor(query.cursor) : [null, null];
    const joined = (query.scope ?? 'joined') === 'joined';
    const rows = await this.db.query<
      RoomRow & { my_role: ParticipantRole | null; unread: number; activity_key: string }
    >(
      `SELECT r.*, p.role AS my_role, ${activityKeySql('r')} AS activity_key,
              CASE WHEN p.profile_id IS NULL THEN 0 ELSE (
                SELECT count(*)::int FROM chat_messages m
                 WHERE m.tenant_id = r.tenant_id AND m.room_id = r.id AND m.thread_id IS NULL
                   AND NOT m.is_deleted AND m.seq > p.last_read_seq
                   AND m.sender_profile_id <> p.profile_id) END AS unread
         FROM chat_rooms r
         ${joined ? 'JOIN' : 'LEFT JOIN'} chat_participants p
           ON p.tenant_id = r.tenant_id AND p.room_id = r.id AND p.profile_id = $2
              AND p.status = 'active'
        WHERE r.tenant_id = $1
          ${joined ? '' : `AND r.room_type = 'public' AND r.status = 'active'`}
          AND ($3::timestamptz IS NULL
               OR (COALESCE(r.last_message_at, r.created_at), r.id) < ($3::timestamptz, $4::uuid))
        ORDER BY COALESCE(r.last_message_at, r.created_at) DESC, r.id DESC
        LIMIT $5`,
      [actor.tenantId, actor.profileId, activity, id, limit + 1],
    );
    const items = rows.slice(0, limit).map(({ my_role, unread, activity_key: _, ...room }) => ({
      ...toRoomView(room),
      myRole: my_role,
      unreadCount: unread,
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      hasMore: last !== undefined,
      nextCursor: last ? encodeActivityCursor(last.activity_key, last.id) : null,
    };
  }

  async update(actor: Actor, roomId: string, dto: UpdateRoomDto): Promise<RoomView> {
    return this.db.run(async (tx) => {
      // The room type comes before the role: no one may edit a dm or agent room (400), not even its pair.
      const access = await this.access.require(actor, roomId, 'view', tx);
      assertGroupRoom(access.room);
      assertAllowed(access, 'manage');
      const { room } = access;
      // The row is locked: merging here is race-free. `null` clears topic and description.
      const next = {
        name: dto.name ?? room.name,
        topic: dto.topic === undefined ? room.topic : dto.topic,
        description: dto.description === undefined ? room.description : dto.description,
        maxParticipants: dto.maxParticipants ?? room.max_participants,
      };
      const unchanged =
        next.name === room.name &&
        next.topic === room.topic &&
        next.description === room.description &&
        next.maxParticipants === room.max_participants;
      // Nothing that differs: no write and no event.
      if (unchanged) return toRoomView(room);
      const [row] = await tx.query<RoomRow>(
        `UPDATE chat_rooms
            SET name = $3, topic = $4, description = $5, max_participants = $6, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [room.tenant_id, room.id, next.name, next.topic, next.description, next.maxParticipants],
      );
      return this.announce(tx, row);
    });
  }

  async setArchived(actor: Actor, roomId: string, archived: boolean): Promise<RoomView> {
    return this.db.run(async (tx) => {
      const { room } = await this.access.require(actor, roomId, 'own', tx);
      const status = archived ? 'archived' : 'active';
      if (room.status === status) return toRoomView(room);
      const [row] = await tx.query<RoomRow>(
        `UPDATE chat_rooms SET status = $3, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [room.tenant_id, room.id, status],
      );
      return this.announce(tx, row);
    });
  }

  /** Appends `room.updated`; the view carries the seq of that very event. */
  private async announce(tx: Tx, row: RoomRow): Promise<RoomView> {
    const view = { ...toRoomView(row), lastSeq: Number(row.last_seq) + 1 };
    await this.events.append(tx, row.tenant_id, row.id, 'room.updated', view);
    return view;
  }
}

export function assertGroupRoom(room: RoomRow): void {
  if (room.room_type !== 'public' && room.room_type !== 'private') {
    throw RoomErrors.wrongRoomType(`This cannot be done in a ${room.room_type} room`);
  }
}
