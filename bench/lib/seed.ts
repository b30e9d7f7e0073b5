import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Sizes } from './options';

/** Who and what each workload uses; every profile listed is an active participant of its room(s). */
export interface SeedData {
  tenantId: string;
  send: { roomIds: string[]; profiles: string[] };
  history: { roomId: string; reader: string; lastSeq: number };
  fanout: { roomId: string; subscribers: string[]; sender: string };
  e2e: { roomId: string; subscribers: string[]; senders: string[] };
  idle: { roomIds: string[]; profiles: string[] };
  agent: { roomId: string; profile: string };
}

const CHUNK = 250_000;
/** Every 20th message of the timeline is a deleted tombstone, so the timeline index is the smaller one. */
const DELETED_EVERY = 20;
const DELETED_AT = 7;
export const isDeletedSeq = (seq: number) => seq % DELETED_EVERY === DELETED_AT;
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

/** Plain SQL, one statement per table and shape; the big timeline comes from generate_series. */
export async function seed(url: string, sizes: Sizes, withHistory: boolean): Promise<SeedData> {
  const data: SeedData = {
    tenantId: `bench-${randomBytes(4).toString('hex')}`,
    send: { roomIds: ids(sizes.sendRooms), profiles: names('send-', sizes.sendProfiles) },
    history: { roomId: randomUUID(), reader: 'history-reader', lastSeq: 0 },
    fanout: {
      roomId: randomUUID(),
      subscribers: names('fan-', sizes.fanoutClients),
      sender: 'fan-sender',
    },
    e2e: {
      roomId: randomUUID(),
      subscribers: names('e2e-sub-', sizes.e2eSubscribers),
      senders: names('e2e-send-', sizes.e2eSenders),
    },
    idle: { roomIds: ids(sizes.idleSockets), profiles: names('idle-', sizes.idleSockets) },
    agent: { roomId: randomUUID(), profile: 'agent-user' },
  };
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const t = data.tenantId;
    const one = (roomId: string, profiles: string[]) => addRoom(db, t, [roomId], profiles);
    await addRoom(db, t, data.send.roomIds, data.send.profiles);
    await one(data.history.roomId, [data.history.reader]);
    await one(data.fanout.roomId, [...data.fanout.subscribers, data.fanout.sender]);
    await one(data.e2e.roomId, [...data.e2e.subscribers, ...data.e2e.senders]);
    await one(data.agent.roomId, [data.agent.profile]);
    await db.query(
      `WITH rooms AS (
         INSERT INTO chat_rooms (tenant_id, id, name, room_type, created_by_profile_id)
         SELECT $1, r, 'idle-' || p, 'private', p FROM unnest($2::uuid[], $3::text[]) AS x(r, p)
         RETURNING id, created_by_profile_id)
       INSERT INTO chat_participants (tenant_id, room_id, profile_id, role)
       SELECT $1, id, created_by_profile_id, 'owner' FROM rooms`,
      [t, data.idle.roomIds, data.idle.profiles],
    );
    if (withHistory) data.history.lastSeq = await addTimeline(db, t, data.history.roomId, sizes);
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
  return data;
}

/** Public rooms where every listed profile is an active member. */
async function addRoom(db: Client, tenantId: string, roomIds: string[], profiles: string[]) {
  await db.query(
    `INSERT INTO chat_rooms (tenant_id, id, name, room_type, created_by_profile_id)
     SELECT $1, r, 'bench room', 'public', $3 FROM unnest($2::uuid[]) r`,
    [tenantId, roomIds, profiles[0]],
  );
  await db.query(
    `INSERT INTO chat_participants (tenant_id, room_id, profile_id, role)
     SELECT $1, r, p, 'member' FROM unnest($2::uuid[]) r CROSS JOIN unnest($3::text[]) p`,
    [tenantId, roomIds, profiles],
  );
}

/** The history room's timeline: seq 1..n, ids ordered like UUIDv7, 1 in 20 deleted (blank content). */
async function addTimeline(db: Client, tenantId: string, roomId: string, sizes: Sizes) {
  const total = sizes.historyMessages;
  const started = Date.now();
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await db.query(
      `INSERT INTO chat_messages
         (tenant_id, id, room_id, seq, sender_profile_id, role, message_type, content, created_at,
          is_deleted, deleted_at)
       SELECT $1, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, $2, g,
              'history-' || (g % 10), 'user', 'text',
              CASE WHEN g % $6 = $7 THEN '' ELSE 'history message number ' || g END,
              now() - ($5::int - g) * interval '1 second',
              g % $6 = $7, CASE WHEN g % $6 = $7 THEN now() END
         FROM generate_series($3::int, $4::int) g`,
      [tenantId, roomId, from, to, total, DELETED_EVERY, DELETED_AT],
    );
    if (total > CHUNK)
      console.log(`  seeded ${to.toLocaleString('en')} / ${total.toLocaleString('en')}`);
  }
  await db.query(
    `UPDATE chat_rooms SET last_seq = $3, last_message_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, roomId, total],
  );
  if (total > CHUNK)
    console.log(`  timeline seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return total;
}
