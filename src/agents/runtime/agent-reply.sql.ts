import { SESSION_COLUMNS } from '../session.types';

/** The charge that ends the session: the last message of the budget, or tokens that reach it. */
const ENDS = `(max_messages > 0 AND message_count + 1 >= max_messages)
              OR (max_tokens > 0 AND total_tokens_used + $10 >= max_tokens)`;

/**
 * The only statement that stores `assistant` and `tool` messages, in the shape of the user-message
 * statement: check the sender (the agent's profile, an active participant of an active room), check the
 * session and the tool gate and charge the session (one message, the tokens, the budgets, and for a tool
 * message its name against the stored `allowed_tools`, all in the same UPDATE ... WHERE), take the
 * room's next seq under the room row lock, insert the message and its `message.created` event. The role
 * follows from the message type here, so no caller can choose it. No row back means nothing was stored.
 *
 * The gate in SQL is the one of tool-gate.ts: the stored list must be an array of strings only (else
 * nothing is allowed), and the name one of its elements exactly (`?` compares strings as they are).
 *
 * Parameters: $1 tenant, $2 room, $3 sender, $4 id, $5 message type, $6 content, $7 tool call data
 * (JSON or null), $8 session id, $9 created at, $10 tokens, $11 event data without seq, $12 the tool
 * name for a tool message, NULL for any other.
 */
export const AGENT_REPLY_INSERT_SQL = `
  WITH sender AS (
    SELECT 1 FROM chat_participants p
      JOIN chat_rooms r ON r.tenant_id = p.tenant_id AND r.id = p.room_id
     WHERE p.tenant_id = $1 AND p.room_id = $2 AND p.profile_id = $3
       AND p.status = 'active' AND r.status = 'active'),
  gate AS (
    UPDATE agent_sessions
       SET message_count = message_count + 1, total_tokens_used = total_tokens_used + $10,
           last_message_at = $9, updated_at = $9,
           status = CASE WHEN ${ENDS} THEN 'expired' ELSE status END,
           closed_at = CASE WHEN ${ENDS} THEN $9 ELSE closed_at END
     WHERE tenant_id = $1 AND id = $8 AND chat_room_id = $2
       AND status = 'active' AND (expires_at IS NULL OR expires_at > $9)
       AND (max_messages = 0 OR message_count < max_messages)
       AND (max_tokens = 0 OR total_tokens_used < max_tokens)
       AND ($12::text IS NULL OR (
             jsonb_typeof(allowed_tools) = 'array'
             AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(allowed_tools) AS t(name)
                              WHERE jsonb_typeof(t.name) <> 'string')
             AND allowed_tools ? $12::text))
       AND EXISTS (SELECT 1 FROM sender)
     RETURNING ${SESSION_COLUMNS}),
  room AS (
    UPDATE chat_rooms SET last_seq = last_seq + 1, last_message_at = $9
     WHERE tenant_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM gate)
    RETURNING last_seq),
  msg AS (
    INSERT INTO chat_messages (tenant_id, id, room_id, seq, sender_profile_id, role, message_type,
                               content, agent_session_id, tool_call_data, created_at)
    SELECT $1, $4, $2, room.last_seq, $3,
           CASE WHEN $5 = 'tool_result' THEN 'tool' ELSE 'assistant' END,
           $5, $6, $8, $7::jsonb, $9
      FROM room
    RETURNING seq),
  event AS (
    INSERT INTO room_events (tenant_id, room_id, seq, type, data, created_at)
    SELECT $1, $2, msg.seq, 'message.created', $11::jsonb || jsonb_build_object('seq', msg.seq), $9
      FROM msg)
  SELECT msg.seq AS message_seq, gate.* FROM msg, gate`;
