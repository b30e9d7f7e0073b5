import { Injectable } from '@nestjs/common';
import { AGENT_PROFILE_PREFIX } from '../../auth/actor';
import { newId } from '../../common/ids';
import { RoomEventBus } from '../../events/room-event-bus';
import { TransactionRunner } from '../../events/transaction-runner';
import { MessageView, messageCreatedEvent } from '../../messages/message.types';
import { inactiveReason, SessionRow } from '../session.types';
import { SessionStore } from '../session-store';
import { AGENT_REPLY_INSERT_SQL } from './agent-reply.sql';
import { jsonCopy, storable, storableText } from './storable';
import { checkToolGate, GatedMessage, isToolMessage, toolNameOf } from './tool-gate';

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
 * The only code that stores `assistant` and `tool` messages. It trusts no caller: every write is one
 * statement that checks the session is active, runs the tool gate against the stored list, charges the
 * session and stores the message, so a change to the session between two writes can never be missed.
 * Role and sender come from the message type and the session.
 */
@Injectable()
export class AgentReplyWriter {
  constructor(
    private readonly db: TransactionRunner,
    private readonly sessions: SessionStore,
    private readonly bus: RoomEventBus,
  ) {}

  async write(reply: AgentReply): Promise<MessageView> {
    const role = reply.messageType === 'tool_result' ? 'tool' : 'assistant';
    const raw = reply.toolCallData ?? null;
    // Tool data that is not JSON cannot be checked, so it is refused like data without a name.
    const data = raw === null ? null : (jsonCopy(raw) ?? {});
    const message = { role, messageType: reply.messageType, toolCallData: data } as const;
    const gated = isToolMessage(message);
    const toolName = gated ? toolNameOf(data) : null;
    if (gated && toolName === null) throw new ReplyRefused('tool_name_missing');
    const session = await this.sessions.get(reply.tenantId, reply.sessionId);
    if (!session) throw new ReplyRefused('session_not_found');
    // The statement checks all of this again, atomically; these checks only name the refusal.
    const refusal = explainRefusal(session, message);
    if (refusal) throw new ReplyRefused(refusal);
    // The gate saw the data exactly as given; cleaning comes after, for storage only.
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
    const [row] = await this.db.prepared<SessionRow & { message_seq: string }>(
      'agent_reply',
      AGENT_REPLY_INSERT_SQL,
      [
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
        toolName,
      ],
    );
    if (!row) {
      // Changed since it was read (closed, spent, tools replaced) or the agent left the room.
      const now = await this.sessions.get(reply.tenantId, reply.sessionId);
      throw new ReplyRefused(
        (now && explainRefusal(now, message)) ??
          (now ? 'agent_not_participant' : 'session_not_found'),
      );
    }
    const stored = { ...draft, seq: Number(row.message_seq) };
    this.bus.publish([messageCreatedEvent(session.tenant_id, stored)]);
    if (row.status !== 'active') await this.db.run((tx) => this.sessions.announce(tx, row));
    return stored;
  }
}

/** Why the session, as read, would refuse this message; null when it would take it. */
function explainRefusal(session: SessionRow, message: GatedMessage): RefusalReason | null {
  if (session.status !== 'active' || inactiveReason(session) !== null) return 'session_inactive';
  const gate = checkToolGate(message, session.allowed_tools);
  return gate.gated && !gate.allowed ? gate.reason : null;
}
