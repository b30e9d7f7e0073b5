import { RoomEvent } from '../events/room-event';

export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const MESSAGE_TYPES = [
  'text',
  'system',
  'action',
  'file',
  'tool_call',
  'tool_result',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** What a person may post: never system or tool bubbles. */
export const USER_MESSAGE_TYPES = ['text', 'file', 'action'] as const;
export type UserMessageType = (typeof USER_MESSAGE_TYPES)[number];

export interface Attachment {
  url: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface MessageRow {
  tenant_id: string;
  id: string;
  room_id: string;
  seq: string;
  sender_profile_id: string;
  role: MessageRole;
  message_type: MessageType;
  content: string;
  thread_id: string | null;
  reply_to_message_id: string | null;
  agent_session_id: string | null;
  tool_call_data: Record<string, unknown> | null;
  attachments: Attachment[];
  client_message_id: string | null;
  is_edited: boolean;
  edited_at: Date | null;
  is_deleted: boolean;
  created_at: Date;
  /** Present when selected with `messageWithReactionsSql`. */
  reactions?: ReactionSummary[];
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  me: boolean;
}

export interface MessageView {
  id: string;
  roomId: string;
  seq: number;
  senderProfileId: string;
  role: MessageRole;
  messageType: MessageType;
  content: string;
  threadId: string | null;
  replyToMessageId: string | null;
  agentSessionId: string | null;
  toolCallData: Record<string, unknown> | null;
  attachments: Attachment[];
  clientMessageId: string | null;
  isEdited: boolean;
  editedAt: string | null;
  isDeleted: boolean;
  createdAt: string;
  reactions: ReactionSummary[];
}

export const MESSAGE_COLUMNS = `tenant_id, id, room_id, seq, sender_profile_id, role, message_type, content,
  thread_id, reply_to_message_id, agent_session_id, tool_call_data, attachments, client_message_id,
  is_edited, edited_at, is_deleted, created_at`;

/**
 * The message columns plus its reactions as one viewer sees them (`[{emoji, count, me}]`, oldest emoji
 * first), computed in the same statement so a page of messages is one round trip. Usable in SELECT and
 * in RETURNING of statements on chat_messages. `viewerParam` is the placeholder of the viewer's id.
 */
export const messageWithReactionsSql = (viewerParam: string) => `${MESSAGE_COLUMNS},
  COALESCE((
    SELECT jsonb_agg(jsonb_build_object('emoji', r.emoji, 'count', r.n, 'me', r.me)
                     ORDER BY r.first, r.emoji)
      FROM (SELECT emoji, count(*)::int AS n, bool_or(profile_id = ${viewerParam}) AS me,
                   min(created_at) AS first
              FROM chat_reactions
             WHERE tenant_id = chat_messages.tenant_id AND message_id = chat_messages.id
             GROUP BY emoji) r), '[]'::jsonb) AS reactions`;

/** Deleted messages are tombstones: the row stays, its content, attachments and reactions do not. */
export function toMessageView(m: MessageRow, reactions = m.reactions ?? []): MessageView {
  return {
    id: m.id,
    roomId: m.room_id,
    seq: Number(m.seq),
    senderProfileId: m.sender_profile_id,
    role: m.role,
    messageType: m.message_type,
    content: m.is_deleted ? '' : m.content,
    threadId: m.thread_id,
    replyToMessageId: m.reply_to_message_id,
    agentSessionId: m.agent_session_id,
    toolCallData: m.is_deleted ? null : m.tool_call_data,
    attachments: m.is_deleted ? [] : m.attachments,
    clientMessageId: m.client_message_id,
    isEdited: m.is_edited,
    editedAt: m.edited_at ? m.edited_at.toISOString() : null,
    isDeleted: m.is_deleted,
    createdAt: m.created_at.toISOString(),
    reactions: m.is_deleted ? [] : reactions,
  };
}

/** The `message.created` event of a message its insert statement already logged with this seq. */
export function messageCreatedEvent(tenantId: string, message: MessageView): RoomEvent {
  return {
    tenantId,
    roomId: message.roomId,
    seq: message.seq,
    type: 'message.created',
    data: message,
    createdAt: message.createdAt,
  };
}
