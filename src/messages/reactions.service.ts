import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { AppError } from '../common/errors/app-error';
import { RoomEventLog } from '../events/room-event-log';
import { Queryable, TransactionRunner } from '../events/transaction-runner';
import { RoomAccessService } from '../rooms/room-access.service';
import { MessageErrors } from './messages.errors';

/** 1-64 characters, no whitespace or control characters. */
const EMOJI = /^[^\s\p{Cc}]+$/u;
/**
 * Something to see: a reaction of only format characters, combining marks or variation selectors
 * (a zero-width space, a right-to-left override) renders as nothing or garbles the text around it.
 * Such characters are still fine inside an emoji, as the joiner of a ZWJ sequence.
 */
const VISIBLE = /[^\p{Cf}\p{Mn}\p{Me}\uFE00-\uFE0F]/u;

export function assertEmoji(emoji: string): void {
  const length = [...emoji].length;
  if (length < 1 || length > 64 || !EMOJI.test(emoji) || !VISIBLE.test(emoji)) {
    throw new AppError(
      400,
      'validation_failed',
      'emoji must be 1-64 visible characters without whitespace or control characters',
    );
  }
}

export interface ReactionView {
  messageId: string;
  emoji: string;
  profileId: string;
}

/** Reactions: one per actor, message and emoji; adding twice is not a toggle. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly events: RoomEventLog,
  ) {}

  async add(
    actor: Actor,
    roomId: string,
    messageId: string,
    emoji: string,
  ): Promise<{ reaction: ReactionView; created: boolean }> {
    assertEmoji(emoji);
    return this.db.run(async (tx) => {
      const { room } = await this.access.require(actor, roomId, 'post', tx);
      const inserted = await tx.query(
        `INSERT INTO chat_reactions (tenant_id, message_id, profile_id, emoji)
         SELECT m.tenant_id, m.id, $4, $5 FROM chat_messages m
          WHERE m.tenant_id = $1 AND m.room_id = $2 AND m.id = $3 AND NOT m.is_deleted
         ON CONFLICT DO NOTHING
         RETURNING message_id`,
        [room.tenant_id, room.id, messageId, actor.profileId, emoji],
      );
      const reaction = { messageId, emoji, profileId: actor.profileId };
      if (inserted.length === 0) {
        await this.assertMessage(tx, room.tenant_id, room.id, messageId);
        return { reaction, created: false };
      }
      await this.events.append(tx, room.tenant_id, room.id, 'reaction.added', reaction);
      return { reaction, created: true };
    });
  }

  /** Removes the actor's own reaction only; removing one that is not there is a no-op. */
  async remove(actor: Actor, roomId: string, messageId: string, emoji: string): Promise<void> {
    assertEmoji(emoji);
    await this.db.run(async (tx) => {
      const { room } = await this.access.require(actor, roomId, 'read', tx);
      await this.assertMessage(tx, room.tenant_id, room.id, messageId);
      const deleted = await tx.query(
        `DELETE FROM chat_reactions
          WHERE tenant_id = $1 AND message_id = $2 AND profile_id = $3 AND emoji = $4
          RETURNING message_id`,
        [room.tenant_id, messageId, actor.profileId, emoji],
      );
      if (deleted.length === 0) return;
      const reaction = { messageId, emoji, profileId: actor.profileId };
      await this.events.append(tx, room.tenant_id, room.id, 'reaction.removed', reaction);
    });
  }

  private async assertMessage(
    tx: Queryable,
    tenantId: string,
    roomId: string,
    messageId: string,
  ): Promise<void> {
    const rows = await tx.query(
      `SELECT 1 FROM chat_messages WHERE tenant_id = $1 AND room_id = $2 AND id = $3 AND NOT is_deleted`,
      [tenantId, roomId, messageId],
    );
    if (rows.length === 0) throw MessageErrors.notFound();
  }
}
