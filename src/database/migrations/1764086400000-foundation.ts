import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rooms, participants and the per-room event log. Every key starts with tenant_id. */
export class Foundation1764086400000 implements MigrationInterface {
  name = 'Foundation1764086400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chat_rooms (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        name text NOT NULL,
        room_type text NOT NULL CHECK (room_type IN ('public', 'private', 'dm', 'agent')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
        topic text,
        description text,
        max_participants integer NOT NULL DEFAULT 0 CHECK (max_participants >= 0),
        created_by_profile_id text NOT NULL,
        dm_key text,
        last_seq bigint NOT NULL DEFAULT 0,
        last_message_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_rooms PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_chat_rooms_dm_key ON chat_rooms (tenant_id, dm_key) WHERE dm_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_chat_rooms_public ON chat_rooms (tenant_id, last_message_at DESC NULLS LAST, id)
        WHERE room_type = 'public' AND status = 'active'`,
    );
    await q.query(`
      CREATE TABLE chat_participants (
        tenant_id text NOT NULL,
        room_id uuid NOT NULL,
        profile_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'kicked', 'banned')),
        is_muted boolean NOT NULL DEFAULT false,
        last_read_seq bigint NOT NULL DEFAULT 0,
        last_read_message_id uuid,
        joined_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_participants PRIMARY KEY (tenant_id, room_id, profile_id),
        CONSTRAINT fk_chat_participants_room FOREIGN KEY (tenant_id, room_id)
          REFERENCES chat_rooms (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_chat_participants_profile ON chat_participants (tenant_id, profile_id, status)`,
    );
    await q.query(`
      CREATE TABLE room_events (
        tenant_id text NOT NULL,
        room_id uuid NOT NULL,
        seq bigint NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_room_events PRIMARY KEY (tenant_id, room_id, seq),
        CONSTRAINT fk_room_events_room FOREIGN KEY (tenant_id, room_id)
          REFERENCES chat_rooms (tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE room_events`);
    await q.query(`DROP TABLE chat_participants`);
    await q.query(`DROP TABLE chat_rooms`);
  }
}
