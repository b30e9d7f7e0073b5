import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { newId } from '../common/ids';
import { DEFAULT_LIMIT, Page, toPage } from '../common/pagination';
import { RoomEventLog } from '../events/room-event-log';
import { RoomEventBus } from '../events/room-event-bus';
import { Queryable, TransactionRunner } from '../events/transaction-runner';
import { RoomAccessService } from '../rooms/room-access.service';
import { SendMessageDto } from './dto/send-message.dto';
import { TimelineQuery } from './dto/message-queries.dto';
import {
  MESSAGE_COLUMNS,
  MessageRow,
  MessageView,
  messageCreatedEvent,
  messageWithReactionsSql,
  toMessageView,
} from './message.types';
import { MessageErrors } from './messages.errors';
import { userMessageInsertSql } from './user-message.sql';

interface PgError {
  code?: string;
  constraint?: string;
}

/** User messages: sending, reading, editing and deleting. Role is always `user`, sender the actor. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly events: RoomEventLog,
    private readonly bus: RoomEventBus,
  ) {}

  /** 201-style `created: true` for a new message; a repeated clientMessageId gives the first one back. */
  async send(
    actor: Actor,
    roomId: string,
    dto: SendMessageDto,
  ): Promise<{ message: MessageView; created: boolean }> {
    const { room } = await this.access.require(actor, roomId, 'post');
    const id = newId();
    const createdAt = new Date();
    const draft: MessageView = {
      id,
      roomId: room.id,
      seq: 0,
      senderProfileId: actor.profileId,
      role: 'user',
      messageType: dto.messageType ?? 'text',
      content: dto.content,
      threadId: dto.threadId?.toLowerCase() ?? null,
      replyToMessageId: dto.replyToMessageId?.toLowerCase() ?? null,
      agentSessionId: null,
      toolCallData: null,
      attachments: dto.attachments ?? [],
      clientMessageId: dto.clientMessageId ?? null,
      isEdited: false,
      editedAt: null,
      isDeleted: false,
      createdAt: createdAt.toISOString(),
      reactions: [],
    };
    const agentRoom = room.room_type === 'agent';
    let rows: { seq: string; agent_session_id: string | null }[];
    try {
      rows = await this.db.prepared(
        agentRoom ? 'send_agent' : 'send',
        userMessageInsertSql(agentRoom),
        [
          actor.tenantId,
          room.id,
          actor.profileId,
          id,
          draft.messageType,
          draft.content,
          draft.threadId,
          draft.replyToMessageId,
          draft.clientMessageId,
          JSON.stringify(draft.attachments),
          createdAt,
          JSON.stringify(draft),
        ],
      );
    } catch (err) {
      return { message: await this.explainFailedSend(actor, room.id, draft, err), created: false };
    }
    if (rows.length === 0) {
      await this.access.recheck(actor, room.id, 'post');
      throw MessageErrors.sessionInactive();
    }
    const message = {
      ...draft,
      seq: Number(rows[0].seq),
      agentSessionId: rows[0].agent_session_id,
    };
    this.bus.publish([messageCreatedEvent(actor.tenantId, message)]);
    return { message, created: true };
  }

  /** A repeated clientMessageId answers with the first message; a foreign reference is a 400. */
  private async explainFailedSend(
    actor: Actor,
    roomId: string,
    draft: MessageView,
    err: unknown,
  ): Promise<MessageView> {
    const { code, constraint } = err as PgError;
    if (code === '23505' && constraint === 'uq_chat_messages_client_id') {
      const [row] = await this.db.query<MessageRow>(
        `SELECT ${messageWithReactionsSql('$3')} FROM chat_messages
          WHERE tenant_id = $1 AND room_id = $2 AND sender_profile_id = $3 AND client_message_id = $4`,
        [actor.tenantId, roomId, actor.profileId, draft.clientMessageId],
      );
      return toMessageView(row);
    }
    if (code === '23503' && constraint === 'fk_chat_messages_thread') {
      throw MessageErrors.invalidReference('threadId');
    }
    if (code === '23503' && constraint === 'fk_chat_messages_reply') {
      throw MessageErrors.invalidReference('replyToMessageId');
    }
    throw err;
  }

  /** The room timeline: root messages only, not deleted; keyset by seq so every page is an index scan. */
  async list(actor: Actor, roomId: string, query: TimelineQuery): Promise<Page<MessageView>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const limit = query.limit ?? DEFAULT_LIMIT;
    // `after` alone reads forwards; otherwise newest first, between the bounds given.
    const ascending = query.after !== undefined && query.before === undefined;
    const rows = await this.db.prepared<MessageRow>(
      ascending ? 'timeline_asc' : 'timeline_desc',
      `SELECT ${messageWithReactionsSql('$6')} FROM chat_messages
        WHERE tenant_id = $1 AND room_id = $2 AND thread_id IS NULL AND NOT is_deleted
          AND seq > $3 AND seq < $4
        ORDER BY seq ${ascending ? 'ASC' : 'DESC'} LIMIT $5`,
      [
        room.tenant_id,
        room.id,
        query.after ?? 0,
        query.before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
        actor.profileId,
      ],
    );
    const page = toPage(rows, limit);
    return { items: page.items.map((row) => toMessageView(row)), hasMore: page.hasMore };
  }

  async get(actor: Actor, roomId: string, messageId: string): Promise<MessageView> {
    const { room } = await this.access.require(actor, roomId, 'read');
    return toMessageView(await this.find(this.db, actor, room.id, messageId));
  }

  /** Authors edit their own user messages; the edit is a `message.updated` event with a new seq. */
  async edit(
    actor: Actor,
    roomId: string,
    messageId: string,
    content: string,
  ): Promise<MessageView> {
    return this.db.run(async (tx) => {
      const { room } = await this.access.require(actor, roomId, 'post', tx);
      const current = await this.find(tx, actor, room.id, messageId);
      if (current.sender_profile_id !== actor.profileId) throw MessageErrors.notAuthor();
      if (current.role !== 'user' || current.is_deleted) throw MessageErrors.notEditable();
      const [row] = await tx.query<MessageRow>(
        `UPDATE chat_messages SET content = $4, is_edited = true, edited_at = now()
          WHERE tenant_id = $1 AND room_id = $2 AND id = $3
          RETURNING ${messageWithReactionsSql('$5')}`,
        [room.tenant_id, room.id, messageId, content, actor.profileId],
      );
      const view = toMessageView(row);
      await this.events.append(tx, room.tenant_id, room.id, 'message.updated', view);
      return view;
    });
  }

  /** Soft delete: the author, or an owner or admin for any message. Content is blanked for good. */
  async remove(actor: Actor, roomId: string, messageId: string): Promise<void> {
    await this.db.run(async (tx) => {
      const { room, participant } = await this.access.require(actor, roomId, 'read', tx);
      const current = await this.find(tx, actor, room.id, messageId);
      const moderator = participant!.role === 'owner' || participant!.role === 'admin';
      if (current.sender_profile_id !== actor.profileId && !moderator) {
        throw MessageErrors.notAuthor();
      }
      if (current.is_deleted) return;
      const [row] = await tx.query<MessageRow>(
        `UPDATE chat_messages
            SET is_deleted = true, deleted_at = now(), content = '', attachments = '[]',
                tool_call_data = NULL
          WHERE tenant_id = $1 AND room_id = $2 AND id = $3 RETURNING ${MESSAGE_COLUMNS}`,
        [room.tenant_id, room.id, messageId],
      );
      await this.events.append(tx, room.tenant_id, room.id, 'message.deleted', toMessageView(row));
    });
  }

  private async find(
    db: Queryable,
    actor: Actor,
    roomId: string,
    messageId: string,
  ): Promise<MessageRow> {
    const [row] = await db.query<MessageRow>(
      `SELECT ${messageWithReactionsSql('$4')} FROM chat_messages
        WHERE tenant_id = $1 AND room_id = $2 AND id = $3`,
      [actor.tenantId, roomId, messageId, actor.profileId],
    );
    if (!row) throw MessageErrors.notFound();
    return row;
  }
}
