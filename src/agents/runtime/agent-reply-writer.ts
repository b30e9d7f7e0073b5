import { Injectable } from '@nestjs/common';
import { AGENT_PROFILE_PREFIX } from '../../auth/actor';
import { newId } from '../../common/ids';
import { RoomEvent } from '../../events/room-event';
import { TransactionRunner } from '../../events/transaction-runner';
import { MessageView } from '../../messages/message.types';
import { inactiveReason, SessionRow } from '../session.types';
import { SessionStore } from '../session-store';
import { AGENT_REPLY_INSERT_SQL } from './agent-reply.sql';
import { jsonCopy, storable, storableText } from './storable';
import { checkToolGate } from './tool-gate';

/**
 * The injection token of the writer. It is not the class, so `get(AgentReplyWriter)` finds nothing
 * anywhere, and AgentRuntimeModule does not export it: only that module's providers can inject it.
 */
export const AGENT_REPLY_WRITER = Symbol('AgentReplyWriter');

export type ReplyType = 'text' | 'tool_call' | 'tool_result';

export interface AgentReply {
  tenantId: string;
  sessionId: string;
  messageType: ReplyType;
  content: string;
  toolCallData?: Record<string, unknown> | null;
  /** Tokens spent since the last charge; charged with this message. */
  tokens?: number;
}

export type RefusalReason =
  | 'session_not_found'
  | 'session_inactive'
  | 'tool_name_missing'
  | 'tool_not_allowed'
  | 'agent_not_participant';

export class ReplyRefused extends Error {
  constructor(readonly reason: RefusalReason) {
    super(`Agent reply refused: ${reason}`);
  }
}

/**
 * The only code that stores `assistant` and `tool` messages. It trusts no caller: on every write it
 * locks the session, checks that it is active and runs the tool gate against the stored list, then
 * stores and charges in one statement. Role and sender come from the message type and the session.
 */
@Injectable()
export class AgentReplyWriter {
  constructor(
    private readonly db: TransactionRunner,
    private readonly sessions: SessionStore,
  ) {}

  async write(reply: AgentReply): Promise<MessageView> {
    const role = reply.messageType === 'tool_result' ? 'tool' : 'assistant';
    const raw = reply.toolCallData ?? null;
    // Tool data that is not JSON cannot be checked, so it is refused like data without a name.
    const data = raw === null ? null : (jsonCopy(raw) ?? {});
    return this.db.run(async (tx) => {
      const session = await this.sessions.find(tx, reply.tenantId, reply.sessionId, true);
      if (!session) throw new ReplyRefused('session_not_found');
      if (session.status !== 'active' || inactiveReason(session) !== null) {
        throw new ReplyRefused('session_inactive');
      }
      // The gate sees the data exactly as given; cleaning comes after, for storage only.
      const gate = checkToolGate(
        { role, messageType: reply.messageType, toolCallData: data },
        session.allowed_tools,
      );
      if (gate.gated && !gate.allowed) throw new ReplyRefused(gate.reason);
      const toolCallData = data === null ? null : (storable(data) as Record<string, unknown>);
      const createdAt = new Date();
      const draft: MessageView = {
        id: newId(),
        roomId: session.chat_room_id,
        seq: 0,
        senderProfileId: `${AGENT_PROFILE_PREFIX}${session.agent_id}`,
        role,
        messageType: reply.messageType,
        content: storableText(reply.content),
        threadId: null,
        replyToMessageId: null,
        agentSessionId: session.id,
        toolCallData,
        attachments: [],
        clientMessageId: null,
        isEdited: false,
        editedAt: null,
        isDeleted: false,
        createdAt: createdAt.toISOString(),
        reactions: [],
      };
      const [row] = await tx.query<SessionRow & { message_seq: string }>(AGENT_REPLY_INSERT_SQL, [
        session.tenant_id,
        session.chat_room_id,
        draft.senderProfileId,
        draft.id,
        draft.messageType,
        draft.content,
        toolCallData === null ? null : JSON.stringify(toolCallData),
        session.id,
        createdAt,
        Math.max(0, Math.floor(reply.tokens ?? 0)),
        JSON.stringify(draft),
      ]);
      if (!row) throw new ReplyRefused('agent_not_participant');
      const message = { ...draft, seq: Number(row.message_seq) };
      tx.emit(created(session.tenant_id, message));
      if (row.status !== 'active') await this.sessions.announce(tx, row);
      return message;
    });
  }
}

function created(tenantId: string, message: MessageView): RoomEvent {
  return {
    tenantId,
    roomId: message.roomId,
    seq: message.seq,
    type: 'message.created',
    data: message,
    createdAt: message.createdAt,
  };
}
