import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages, threads and reactions. Composite foreign keys that include room_id make the database itself
 * refuse a reply, thread or root that points into another room or tenant.
 */
export class Messages1764172800000 implements MigrationInterface {
  name = 'Messages1764172800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chat_messages (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        room_id uuid NOT NULL,
        seq bigint NOT NULL,
        sender_profile_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
        message_type text NOT NULL
          CHECK (message_type IN ('text', 'system', 'action', 'file', 'tool_call', 'tool_result')),
        content text NOT NULL,
        thread_id uuid,
        reply_to_message_id uuid,
        agent_session_id uuid,
        tool_call_data jsonb,
        attachments jsonb NOT NULL DEFAULT '[]',
        client_message_id text,
        is_edited boolean NOT NULL DEFAULT false,
        edited_at timestamptz,
        is_deleted boolean NOT NULL DEFAULT false,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_messages PRIMARY KEY (tenant_id, id),
        CONSTRAINT uq_chat_messages_room_id UNIQUE (tenant_id, room_id, id),
        CONSTRAINT uq_chat_messages_seq UNIQUE (tenant_id, room_id, seq),
        CONSTRAINT fk_chat_messages_room FOREIGN KEY (tenant_id, room_id)
          REFERENCES chat_rooms (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_chat_messages_reply FOREIGN KEY (tenant_id, room_id, reply_to_message_id)
          REFERENCES chat_messages (tenant_id, room_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_chat_messages_client_id
        ON chat_messages (tenant_id, room_id, sender_profile_id, client_message_id)
        WHERE client_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_chat_messages_timeline ON chat_messages (tenant_id, room_id, seq DESC)
        WHERE thread_id IS NULL AND NOT is_deleted`,
    );
    await q.query(
      `CREATE INDEX ix_chat_messages_thread ON chat_messages (tenant_id, thread_id, seq)
        WHERE thread_id IS NOT NULL AND NOT is_deleted`,
    );
    await q.query(
      `CREATE INDEX ix_chat_messages_session ON chat_messages (tenant_id, agent_session_id, seq)
        WHERE agent_session_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE chat_threads (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        room_id uuid NOT NULL,
        root_message_id uuid,
        title text,
        is_resolved boolean NOT NULL DEFAULT false,
        resolved_at timestamptz,
        resolved_by_profile_id text,
        message_count integer NOT NULL DEFAULT 0,
        last_message_at timestamptz,
        created_by_profile_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_threads PRIMARY KEY (tenant_id, id),
        CONSTRAINT uq_chat_threads_room_id UNIQUE (tenant_id, room_id, id),
        CONSTRAINT fk_chat_threads_room FOREIGN KEY (tenant_id, room_id)
          REFERENCES chat_rooms (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_chat_threads_root FOREIGN KEY (tenant_id, room_id, root_message_id)
          REFERENCES chat_messages (tenant_id, room_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_chat_threads_root ON chat_threads (tenant_id, root_message_id)
        WHERE root_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_chat_threads_activity
        ON chat_threads (tenant_id, room_id, (COALESCE(last_message_at, created_at)) DESC, id DESC)`,
    );
    await q.query(`
      ALTER TABLE chat_messages ADD CONSTRAINT fk_chat_messages_thread
        FOREIGN KEY (tenant_id, room_id, thread_id) REFERENCES chat_threads (tenant_id, room_id, id)`);
    await q.query(`
      CREATE TABLE chat_reactions (
        tenant_id text NOT NULL,
        message_id uuid NOT NULL,
        profile_id text NOT NULL,
        emoji text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_reactions PRIMARY KEY (tenant_id, message_id, profile_id, emoji),
        CONSTRAINT fk_chat_reactions_message FOREIGN KEY (tenant_id, message_id)
          REFERENCES chat_messages (tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chat_reactions`);
    await q.query(`ALTER TABLE chat_messages DROP CONSTRAINT fk_chat_messages_thread`);
    await q.query(`DROP TABLE chat_threads`);
    await q.query(`DROP TABLE chat_messages`);
  }
}
