import { MigrationInterface, QueryRunner } from 'typeorm';

/** Agent sessions: one agent room each, budgets, the app-controlled tool list and the agent's memory. */
export class AgentSessions1764259200000 implements MigrationInterface {
  name = 'AgentSessions1764259200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_sessions (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        agent_id text NOT NULL,
        participant_profile_id text NOT NULL,
        chat_room_id uuid NOT NULL,
        session_key text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'expired')),
        allowed_tools jsonb NOT NULL DEFAULT '[]',
        system_prompt text,
        session_context jsonb NOT NULL DEFAULT '{}',
        message_count integer NOT NULL DEFAULT 0,
        total_tokens_used bigint NOT NULL DEFAULT 0,
        max_tokens bigint NOT NULL DEFAULT 0 CHECK (max_tokens >= 0),
        max_messages integer NOT NULL DEFAULT 0 CHECK (max_messages >= 0),
        last_message_at timestamptz,
        expires_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_agent_sessions PRIMARY KEY (tenant_id, id),
        CONSTRAINT uq_agent_sessions_room UNIQUE (tenant_id, chat_room_id),
        CONSTRAINT fk_agent_sessions_room FOREIGN KEY (tenant_id, chat_room_id)
          REFERENCES chat_rooms (tenant_id, id) ON DELETE CASCADE
      )`);
    // Concurrent creates for the same agent, profile and key meet on one active session.
    await q.query(
      `CREATE UNIQUE INDEX uq_agent_sessions_active
        ON agent_sessions (tenant_id, participant_profile_id, agent_id, COALESCE(session_key, ''))
        WHERE status = 'active'`,
    );
    await q.query(
      `CREATE INDEX ix_agent_sessions_profile
        ON agent_sessions (tenant_id, participant_profile_id, created_at DESC)`,
    );
    await q.query(
      `CREATE INDEX ix_agent_sessions_expiry ON agent_sessions (expires_at) WHERE status = 'active'`,
    );
    await q.query(`
      ALTER TABLE chat_messages ADD CONSTRAINT fk_chat_messages_session
        FOREIGN KEY (tenant_id, agent_session_id) REFERENCES agent_sessions (tenant_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE chat_messages DROP CONSTRAINT fk_chat_messages_session`);
    await q.query(`DROP TABLE agent_sessions`);
  }
}
