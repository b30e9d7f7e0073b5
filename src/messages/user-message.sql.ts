/**
 * The whole send as one statement (one round trip): check the sender, charge the agent session when
 * the room is an agent room, take the room's next seq, bump the thread, insert the message and its
 * `message.created` event. The room UPDATE holds the room row lock until commit, which is what makes
 * seq gap-free and ordered. A failed part (a foreign key, a repeated clientMessageId) aborts the whole
 * statement, so nothing is half-written and no seq is lost. No row back means the sender or the
 * session may not post; the caller then works out which.
 *
 * Parameters: $1 tenant, $2 room, $3 sender, $4 id, $5 message type, $6 content, $7 thread id,
 * $8 reply-to id, $9 client message id, $10 attachments, $11 created at, $12 event data without seq.
 */
export function userMessageInsertSql(agentRoom: boolean): string {
  const gate = agentRoom
    ? `gate AS (
         UPDATE agent_sessions
            SET message_count = message_count + 1, last_message_at = $11, updated_at = $11,
                status = CASE WHEN max_messages > 0 AND message_count + 1 >= max_messages
                              THEN 'expired' ELSE status END
          WHERE tenant_id = $1 AND chat_room_id = $2 AND participant_profile_id = $3
            AND status = 'active' AND (expires_at IS NULL OR expires_at > $11)
            AND (max_messages = 0 OR message_count < max_messages)
            AND (max_tokens = 0 OR total_tokens_used < max_tokens)
            AND EXISTS (SELECT 1 FROM sender)
          RETURNING id),`
    : '';
  return `
    WITH sender AS (
      SELECT 1 FROM chat_participants p
        JOIN chat_rooms r ON r.tenant_id = p.tenant_id AND r.id = p.room_id
       WHERE p.tenant_id = $1 AND p.room_id = $2 AND p.profile_id = $3
         AND p.status = 'active' AND p.role <> 'viewer' AND r.status = 'active'),
    ${gate}
    room AS (
      UPDATE chat_rooms SET last_seq = last_seq + 1,
                            last_message_at = GREATEST(last_message_at, $11)
       WHERE tenant_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM sender)
             ${agentRoom ? 'AND EXISTS (SELECT 1 FROM gate)' : ''}
      RETURNING last_seq),
    thread AS (
      UPDATE chat_threads t SET message_count = t.message_count + 1, last_message_at = $11,
                                updated_at = $11
        FROM room WHERE t.tenant_id = $1 AND t.room_id = $2 AND t.id = $7
      RETURNING t.id),
    msg AS (
      INSERT INTO chat_messages (tenant_id, id, room_id, seq, sender_profile_id, role, message_type,
                                 content, thread_id, reply_to_message_id, agent_session_id,
                                 attachments, client_message_id, created_at)
      SELECT $1, $4, $2, room.last_seq, $3, 'user', $5, $6, $7, $8,
             ${agentRoom ? '(SELECT id FROM gate)' : 'NULL'}, $10, $9, $11
        FROM room
      RETURNING seq, agent_session_id),
    event AS (
      INSERT INTO room_events (tenant_id, room_id, seq, type, data, created_at)
      SELECT $1, $2, msg.seq, 'message.created',
             $12::jsonb || jsonb_build_object('seq', msg.seq, 'agentSessionId', msg.agent_session_id),
             $11
        FROM msg)
    SELECT seq, agent_session_id FROM msg`;
}
