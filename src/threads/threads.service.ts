import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import {
  activityKeySql,
  decodeActivityCursor,
  encodeActivityCursor,
} from '../common/activity-cursor';
import { newId } from '../common/ids';
import { DEFAULT_LIMIT, Page, toPage } from '../common/pagination';
import { RoomEventLog } from '../events/room-event-log';
import { Queryable, Tx, TransactionRunner } from '../events/transaction-runner';
import {
  MessageRow,
  MessageView,
  messageWithReactionsSql,
  toMessageView,
} from '../messages/message.types';
import { RoomAccessService } from '../rooms/room-access.service';
import { ParticipantRow, RoomRow } from '../rooms/room.types';
import {
  ListRepliesQuery,
  ListThreadsQuery,
  StartThreadDto,
  UpdateThreadDto,
} from './dto/thread.dto';

import { THREAD_COLUMNS, ThreadRow, ThreadView, toThreadView } from './thread.types';
import { ThreadErrors } from './threads.errors';

export interface StartedThread {
  thread: ThreadView;
  /** false when the root message already had a thread: that one is returned, nothing is stored. */
  created: boolean;
}

export interface ThreadList extends Page<ThreadView> {
  nextCursor: string | null;
}

/** A thread with the author of its root message, who may change it like its creator. */
type LoadedThread = ThreadRow & { root_author: string | null };

@Injectable()
export class ThreadsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly events: RoomEventLog,
  ) {}

  /**
   * One thread per root message. Concurrent starts meet on the unique index: the loser inserts nothing
   * and reads the winner's row, so every caller gets the same thread and only one `thread.created`.
   */
  async start(actor: Actor, roomId: string, dto: StartThreadDto): Promise<StartedThread> {
    return this.db.run(async (tx) => {
      const { room } = await this.access.require(actor, roomId, 'post', tx);
      const rootId = dto.rootMessageId?.toLowerCase() ?? null;
      if (rootId) await this.assertRoot(tx, room, rootId);
      const [row] = await tx.query<ThreadRow>(
        `INSERT INTO chat_threads (tenant_id, id, room_id, root_message_id, title, created_by_profile_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, root_message_id) WHERE root_message_id IS NOT NULL DO NOTHING
         RETURNING ${THREAD_COLUMNS}`,
        [room.tenant_id, newId(), room.id, rootId, dto.title ?? null, actor.profileId],
      );
      if (!row) {
        const [existing] = await tx.query<ThreadRow>(
          `SELECT ${THREAD_COLUMNS} FROM chat_threads WHERE tenant_id = $1 AND root_message_id = $2`,
          [room.tenant_id, rootId],
        );
        return { thread: toThreadView(existing), created: false };
      }
      const thread = toThreadView(row);
      await this.events.append(tx, room.tenant_id, room.id, 'thread.created', thread);
      return { thread, created: true };
    });
  }

  /** Newest activity first (the last reply, else the creation), on index ix_chat_threads_activity. */
  async list(actor: Actor, roomId: string, query: ListThreadsQuery): Promise<ThreadList> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [activity, id] = query.cursor ? decodeActivityCursor(query.cursor) : [null, null];
    const rows = await this.db.query<ThreadRow & { activity_key: string }>(
      `SELECT ${THREAD_COLUMNS}, ${activityKeySql('chat_threads')} AS activity_key
         FROM chat_threads
        WHERE tenant_id = $1 AND room_id = $2
          AND ($3::boolean IS NULL OR is_resolved = $3)
          AND ($4::timestamptz IS NULL
               OR (COALESCE(last_message_at, created_at), id) < ($4::timestamptz, $5::uuid))
        ORDER BY COALESCE(last_message_at, created_at) DESC, id DESC
        LIMIT $6`,
      [room.tenant_id, room.id, query.resolved ?? null, activity, id, limit + 1],
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map(toThreadView),
      hasMore: last !== undefined,
      nextCursor: last ? encodeActivityCursor(last.activity_key, last.id) : null,
    };
  }

  async get(actor: Actor, roomId: string, threadId: string): Promise<ThreadView> {
    const { room } = await this.access.require(actor, roomId, 'read');
    return toThreadView(await this.load(this.db, room, threadId));
  }

  /**
   * Replies oldest first, keyset by seq on ix_chat_messages_thread. `after` reads forwards; `before`
   * alone reads the newest page before it backwards and flips it, so both directions show oldest first.
   */
  async listReplies(
    actor: Actor,
    roomId: string,
    threadId: string,
    query: ListRepliesQuery,
  ): Promise<Page<MessageView>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const thread = await this.load(this.db, room, threadId);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const backwards = query.before !== undefined && query.after === undefined;
    const rows = await this.db.query<MessageRow>(
      `SELECT ${messageWithReactionsSql('$6')} FROM chat_messages
        WHERE tenant_id = $1 AND thread_id = $2 AND NOT is_deleted
          AND ($3::bigint IS NULL OR seq > $3) AND ($4::bigint IS NULL OR seq < $4)
        ORDER BY seq ${backwards ? 'DESC' : 'ASC'}
        LIMIT $5`,
      [
        room.tenant_id,
        thread.id,
        query.after ?? null,
        query.before ?? null,
        limit + 1,
        actor.profileId,
      ],
    );
    const page = toPage(rows, limit);
    const replies = backwards ? page.items.reverse() : page.items;
    return { items: replies.map((m) => toMessageView(m)), hasMore: page.hasMore };
  }

  /** Resolve, reopen or rename. A request that changes nothing stores nothing and appends no event. */
  async update(
    actor: Actor,
    roomId: string,
    threadId: string,
    dto: UpdateThreadDto,
  ): Promise<ThreadView> {
    return this.db.run(async (tx) => {
      const { room, participant } = await this.access.require(actor, roomId, 'post', tx);
      const thread = await this.load(tx, room, threadId, true);
      if (!mayChange(actor, participant!, thread)) throw ThreadErrors.forbiddenRole();
      const resolve = dto.isResolved === thread.is_resolved ? undefined : dto.isResolved;
      const title = dto.title === undefined ? thread.title : dto.title;
      if (resolve === undefined && title === thread.title) return toThreadView(thread);
      const [row] = await tx.query<ThreadRow>(
        `UPDATE chat_threads
            SET is_resolved = COALESCE($4::boolean, is_resolved),
                resolved_at = CASE WHEN $4 IS NULL THEN resolved_at WHEN $4 THEN now() END,
                resolved_by_profile_id =
                  CASE WHEN $4 IS NULL THEN resolved_by_profile_id WHEN $4 THEN $5 END,
                title = $6, updated_at = now()
          WHERE tenant_id = $1 AND room_id = $2 AND id = $3
          RETURNING ${THREAD_COLUMNS}`,
        [room.tenant_id, room.id, thread.id, resolve ?? null, actor.profileId, title],
      );
      const view = toThreadView(row);
      await this.events.append(tx, room.tenant_id, room.id, 'thread.updated', view);
      return view;
    });
  }

  /** A thread of another room or tenant is as absent as one that does not exist. */
  private async load(
    db: Queryable,
    room: RoomRow,
    threadId: string,
    forUpdate = false,
  ): Promise<LoadedThread> {
    const [row] = await db.query<LoadedThread>(
      `SELECT t.*, m.sender_profile_id AS root_author
         FROM chat_threads t
         LEFT JOIN chat_messages m ON m.tenant_id = t.tenant_id AND m.id = t.root_message_id
        WHERE t.tenant_id = $1 AND t.room_id = $2 AND t.id = $3
        ${forUpdate ? 'FOR UPDATE OF t' : ''}`,
      [room.tenant_id, room.id, threadId],
    );
    if (!row) throw ThreadErrors.notFound();
    return row;
  }

  /** Threads hang off root messages only: no thread of a reply, none of a deleted message. */
  private async assertRoot(tx: Tx, room: RoomRow, messageId: string): Promise<void> {
    const rows = await tx.query(
      `SELECT 1 FROM chat_messages
        WHERE tenant_id = $1 AND room_id = $2 AND id = $3 AND thread_id IS NULL AND NOT is_deleted`,
      [room.tenant_id, room.id, messageId],
    );
    if (rows.length === 0) throw ThreadErrors.invalidRoot();
  }
}

/** The thread's creator, its root message's author, and the room's owners and admins. */
function mayChange(actor: Actor, participant: ParticipantRow, thread: LoadedThread): boolean {
  return (
    participant.role === 'owner' ||
    participant.role === 'admin' ||
    thread.created_by_profile_id === actor.profileId ||
    thread.root_author === actor.profileId
  );
}
