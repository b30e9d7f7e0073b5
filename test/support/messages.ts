import type { Response } from 'supertest';
import { newId } from '../../src/common/ids';
import { db, expectStatus, ISO_UTC, roomWith, User, UUID_V7 } from './rooms';
import { makeTenant, TestApp } from './test-app';

export interface ReactionBody {
  emoji: string;
  count: number;
  me: boolean;
}

export interface AttachmentBody {
  url: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface MessageBody {
  id: string;
  roomId: string;
  seq: number;
  senderProfileId: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  messageType: string;
  content: string;
  threadId: string | null;
  replyToMessageId: string | null;
  agentSessionId: string | null;
  toolCallData: Record<string, unknown> | null;
  attachments: AttachmentBody[];
  clientMessageId: string | null;
  isEdited: boolean;
  editedAt: string | null;
  isDeleted: boolean;
  createdAt: string;
  reactions: ReactionBody[];
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export const messagesOf = (roomId: string) => `/v1/rooms/${roomId}/messages`;
export const messageUrl = (roomId: string, messageId: string) =>
  `/v1/rooms/${roomId}/messages/${messageId}`;
export const reactionUrl = (roomId: string, messageId: string, emoji: string) =>
  `${messageUrl(roomId, messageId)}/reactions/${encodeURIComponent(emoji)}`;

/** The full shape of a fresh user message of `sender`, overridden by `fields`. */
export function messageShape(sender: User, fields: Partial<MessageBody> = {}): MessageBody {
  return {
    id: expect.stringMatching(UUID_V7),
    roomId: expect.stringMatching(UUID_V7),
    seq: expect.any(Number),
    senderProfileId: sender.profileId,
    role: 'user',
    messageType: 'text',
    content: expect.any(String),
    threadId: null,
    replyToMessageId: null,
    agentSessionId: null,
    toolCallData: null,
    attachments: [],
    clientMessageId: null,
    isEdited: false,
    editedAt: null,
    isDeleted: false,
    createdAt: expect.stringMatching(ISO_UTC),
    reactions: [],
    ...fields,
  };
}

export function postMessage(
  t: TestApp,
  user: User,
  roomId: string,
  body: Record<string, unknown>,
): Promise<Response> {
  return t.http.post(messagesOf(roomId)).set(user.auth).send(body);
}

/** Sends and expects 201. */
export async function sendMessage(
  t: TestApp,
  user: User,
  roomId: string,
  content = 'hello',
  extra: Record<string, unknown> = {},
): Promise<MessageBody> {
  const res = await postMessage(t, user, roomId, { content, ...extra });
  expectStatus(res, 201);
  return res.body as MessageBody;
}

export interface MessageRecord {
  id: string;
  seq: number;
  sender_profile_id: string;
  role: string;
  message_type: string;
  content: string;
  thread_id: string | null;
  reply_to_message_id: string | null;
  agent_session_id: string | null;
  tool_call_data: unknown;
  attachments: AttachmentBody[];
  client_message_id: string | null;
  is_edited: boolean;
  edited_at: Date | null;
  is_deleted: boolean;
}

/** Every stored message of a room, by seq. */
export async function messageRows(
  t: TestApp,
  tenantId: string,
  roomId: string,
): Promise<MessageRecord[]> {
  const rows: (MessageRecord & { seq: string })[] = await db(t).query(
    `SELECT id, seq, sender_profile_id, role, message_type, content, thread_id, reply_to_message_id,
            agent_session_id, tool_call_data, attachments, client_message_id, is_edited, edited_at,
            is_deleted
       FROM chat_messages WHERE tenant_id = $1 AND room_id = $2 ORDER BY seq`,
    [tenantId, roomId],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** How many messages a tenant has in all, to prove that a refused request stored nothing. */
export async function messageCount(t: TestApp, tenantId: string): Promise<number> {
  const [row]: { n: number }[] = await db(t).query(
    `SELECT count(*)::int AS n FROM chat_messages WHERE tenant_id = $1`,
    [tenantId],
  );
  return row.n;
}

/** The stored reactions of a message, by profile and emoji (sorted here: collations differ). */
export async function reactionRows(
  t: TestApp,
  tenantId: string,
  messageId: string,
): Promise<{ profile_id: string; emoji: string }[]> {
  const rows: { profile_id: string; emoji: string }[] = await db(t).query(
    `SELECT profile_id, emoji FROM chat_reactions WHERE tenant_id = $1 AND message_id = $2`,
    [tenantId, messageId],
  );
  const key = (r: { profile_id: string; emoji: string }) => `${r.profile_id}\u0000${r.emoji}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A thread straight in the database, so these tests do not depend on the threads routes. */
export async function insertThread(
  t: TestApp,
  tenantId: string,
  roomId: string,
  createdBy: User,
  rootMessageId: string | null = null,
): Promise<string> {
  const id = newId();
  await db(t).query(
    `INSERT INTO chat_threads (tenant_id, id, room_id, root_message_id, created_by_profile_id)
     VALUES ($1, $2, $3, $4, $5)`,
    [tenantId, id, roomId, rootMessageId, createdBy.profileId],
  );
  return id;
}

/**
 * `count` root text messages of `sender` in one statement, taking the next seqs of the room as a send
 * would (no room events: the timeline does not read them). Returns the first seq.
 */
export async function seedMessages(
  t: TestApp,
  tenantId: string,
  roomId: string,
  sender: User,
  count: number,
): Promise<number> {
  const [row]: { first: string }[] = await db(t).query(
    `WITH room AS (
       UPDATE chat_rooms SET last_seq = last_seq + $4, last_message_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING last_seq - $4 AS base),
     seeded AS (
       INSERT INTO chat_messages (tenant_id, id, room_id, seq, sender_profile_id, role, message_type,
                                  content)
       SELECT $1, gen_random_uuid(), $2, room.base + g, $3, 'user', 'text', 'seeded ' || g
         FROM room, generate_series(1, $4::int) AS g
       RETURNING seq)
     SELECT min(seq) AS first FROM seeded`,
    [tenantId, roomId, sender.profileId, count],
  );
  return Number(row.first);
}

/** A room of `owner` with an admin, two members and a viewer; `outsider` is in the tenant only. */
export async function roomWithEveryRole(t: TestApp, roomType: 'public' | 'private' = 'private') {
  const { tenantId, users } = makeTenant('owner', 'admin', 'alice', 'bob', 'viewer', 'outsider');
  const room = await roomWith(
    t,
    users.owner,
    [
      [users.admin, 'admin'],
      [users.alice, 'member'],
      [users.bob, 'member'],
      [users.viewer, 'viewer'],
    ],
    { roomType },
  );
  return { tenantId, users, roomId: room.id };
}
