import { Pool } from 'pg';
import { v7 } from 'uuid';
import { DEFAULT_POOL_SIZE } from '../../src/database/data-source-options';
import { env } from './http';

/** Same pool size as Parley's data source. */
export const newPool = () =>
  new Pool({ connectionString: env.databaseUrl, max: DEFAULT_POOL_SIZE });

const COLUMNS = `id, room_id, seq, sender_profile_id, role, message_type, content, thread_id,
  reply_to_message_id, agent_session_id, tool_call_data, attachments, client_message_id, is_edited,
  edited_at, is_deleted, created_at`;

/**
 * The send: take the room's next seq and insert the message in ONE statement (a CTE), the same
 * lock-and-bump of chat_rooms.last_seq that keeps Parley's seq gap-free, so seq and row locks match.
 */
export const INSERT_SQL = `
  WITH room AS (
    UPDATE chat_rooms SET last_seq = last_seq + 1, last_message_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING last_seq)
  INSERT INTO chat_messages (tenant_id, id, room_id, seq, sender_profile_id, role, message_type, content)
  SELECT $1, $3, $2, room.last_seq, $4, 'user', 'text', $5 FROM room
  RETURNING ${COLUMNS}`;

/** The timeline keyset query: served by ix_chat_messages_timeline, 51 rows to know `hasMore`. */
export const HISTORY_SQL = `
  SELECT ${COLUMNS} FROM chat_messages
   WHERE tenant_id = $1 AND room_id = $2 AND thread_id IS NULL AND NOT is_deleted AND seq < $3
   ORDER BY seq DESC LIMIT $4`;

/** No cursor: everything below the largest bigint. */
export const LATEST = '9223372036854775807';

export const BASELINE_SENDER = 'baseline-sender';

type Row = Record<string, unknown> & { seq: string | number; created_at: Date | string };

/** The API's message shape, as Parley returns it. */
export function toMessage(row: Row) {
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : (d as string | null));
  return {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    senderProfileId: row.sender_profile_id,
    role: row.role,
    messageType: row.message_type,
    content: row.content,
    threadId: row.thread_id,
    replyToMessageId: row.reply_to_message_id,
    agentSessionId: row.agent_session_id,
    toolCallData: row.tool_call_data,
    attachments: row.attachments,
    clientMessageId: row.client_message_id,
    isEdited: row.is_edited,
    editedAt: iso(row.edited_at),
    isDeleted: row.is_deleted,
    createdAt: iso(row.created_at),
    reactions: [],
  };
}

export type Message = ReturnType<typeof toMessage>;

export async function insertMessage(pool: Pool, roomId: string, content: string) {
  const { rows } = await pool.query<Row>(INSERT_SQL, [
    env.tenantId,
    roomId,
    v7(),
    BASELINE_SENDER,
    content,
  ]);
  return rows[0] ? toMessage(rows[0]) : undefined;
}

/** The same message without a database, for the bare socket.io baseline. */
export function memoryMessage(roomId: string, seq: number, content: string): Message {
  const createdAt = new Date();
  return toMessage({
    id: v7(),
    room_id: roomId,
    seq,
    sender_profile_id: BASELINE_SENDER,
    role: 'user',
    message_type: 'text',
    content,
    thread_id: null,
    reply_to_message_id: null,
    agent_session_id: null,
    tool_call_data: null,
    attachments: [],
    client_message_id: null,
    is_edited: false,
    edited_at: null,
    is_deleted: false,
    created_at: createdAt,
  });
}
