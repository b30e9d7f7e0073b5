import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { makeTenant, TestApp } from './test-app';
import { newTenant, tokenFor } from './tokens';

export type Tenant = ReturnType<typeof makeTenant>;
export type User = Tenant['users'][string];

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface RoomBody {
  id: string;
  tenantId: string;
  name: string;
  roomType: 'public' | 'private' | 'dm' | 'agent';
  status: 'active' | 'archived';
  topic: string | null;
  description: string | null;
  maxParticipants: number;
  createdByProfileId: string;
  lastMessageAt: string | null;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface ParticipantBody {
  roomId: string;
  profileId: string;
  role: Role;
  status: 'active' | 'left' | 'kicked' | 'banned';
  onlineStatus: 'online' | 'offline';
  lastReadSeq: number;
  lastReadMessageId: string | null;
  isMuted: boolean;
  joinedAt: string;
}

/** Server-made ids are UUIDv7. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A well-formed room id that names no room. */
export const UNKNOWN_ROOM_ID = '01900000-0000-7000-8000-000000000000';

/** A user with the same profile id in a different tenant: it must see nothing of the original tenant. */
export function inOtherTenant(user: User): User {
  const token = tokenFor(newTenant(), user.profileId);
  return { profileId: user.profileId, token, auth: { Authorization: `Bearer ${token}` } };
}

/** Asserts the status, keeping the body in the failure message. */
export function expectStatus(res: Response, status: number): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
}

/** Asserts the API's error shape with its stable code. */
export function expectError(res: Response, status: number, error: string): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({
    status,
    body: { statusCode: status, error, message: expect.any(String) },
  });
}

/** The full room shape: defaults of a fresh public room, overridden by `fields`. */
export function roomShape(fields: Partial<RoomBody>): RoomBody {
  return {
    id: expect.stringMatching(UUID_V7),
    tenantId: expect.any(String),
    name: expect.any(String),
    roomType: 'public',
    status: 'active',
    topic: null,
    description: null,
    maxParticipants: 0,
    createdByProfileId: expect.any(String),
    lastMessageAt: null,
    lastSeq: expect.any(Number),
    createdAt: expect.stringMatching(ISO_UTC),
    updatedAt: expect.stringMatching(ISO_UTC),
    ...fields,
  };
}

/** The full participant shape of an active member, overridden by `fields`. */
export function participantShape(fields: Partial<ParticipantBody>): ParticipantBody {
  return {
    roomId: expect.stringMatching(UUID_V7),
    profileId: expect.any(String),
    role: 'member',
    status: 'active',
    onlineStatus: 'offline',
    lastReadSeq: 0,
    lastReadMessageId: null,
    isMuted: false,
    joinedAt: expect.stringMatching(ISO_UTC),
    ...fields,
  };
}

export async function createRoom(
  t: TestApp,
  owner: User,
  body: Record<string, unknown> = {},
): Promise<RoomBody> {
  const res = await t.http
    .post('/v1/rooms')
    .set(owner.auth)
    .send({ name: 'General', roomType: 'public', ...body });
  expectStatus(res, 201);
  return res.body as RoomBody;
}

export async function getRoom(t: TestApp, user: User, roomId: string): Promise<RoomBody> {
  const res = await t.http.get(`/v1/rooms/${roomId}`).set(user.auth);
  expectStatus(res, 200);
  return res.body as RoomBody;
}

/** Adds `who` through POST participants by `by` (an owner or admin). */
export async function addMember(
  t: TestApp,
  by: User,
  roomId: string,
  who: User,
  role: Role = 'member',
): Promise<ParticipantBody> {
  const res = await t.http
    .post(`/v1/rooms/${roomId}/participants`)
    .set(by.auth)
    .send({ profileId: who.profileId, role });
  expectStatus(res, 201);
  return res.body as ParticipantBody;
}

/** A room of `owner` with each other user added under the given role. */
export async function roomWith(
  t: TestApp,
  owner: User,
  members: [User, Role][],
  body: Record<string, unknown> = {},
): Promise<RoomBody> {
  const room = await createRoom(t, owner, body);
  for (const [user, role] of members) {
    if (role === 'owner') {
      await addMember(t, owner, room.id, user, 'member');
      await setRole(t, owner, room.id, user, 'owner');
    } else {
      await addMember(t, owner, room.id, user, role);
    }
  }
  return room;
}

export async function setRole(
  t: TestApp,
  owner: User,
  roomId: string,
  who: User,
  role: Role,
): Promise<ParticipantBody> {
  const res = await t.http
    .patch(`/v1/rooms/${roomId}/participants/${encodeURIComponent(who.profileId)}`)
    .set(owner.auth)
    .send({ role });
  expectStatus(res, 200);
  return res.body as ParticipantBody;
}

/** The active participants as the API lists them (first page of 200). */
export async function listParticipants(
  t: TestApp,
  user: User,
  roomId: string,
): Promise<ParticipantBody[]> {
  const res = await t.http.get(`/v1/rooms/${roomId}/participants?limit=200`).set(user.auth);
  expectStatus(res, 200);
  return (res.body as { items: ParticipantBody[] }).items;
}

export const db = (t: TestApp): DataSource => t.app.get(DataSource);

export interface ParticipantRecord {
  profile_id: string;
  role: Role;
  status: ParticipantBody['status'];
  is_muted: boolean;
}

/** Every participant row of a room, in any status, as stored. */
export async function participantRows(
  t: TestApp,
  tenantId: string,
  roomId: string,
): Promise<ParticipantRecord[]> {
  return db(t).query(
    `SELECT profile_id, role, status, is_muted FROM chat_participants
      WHERE tenant_id = $1 AND room_id = $2 ORDER BY profile_id`,
    [tenantId, roomId],
  );
}

/** The stored row of one participant, or undefined. */
export async function participantRow(
  t: TestApp,
  tenantId: string,
  roomId: string,
  profileId: string,
): Promise<ParticipantRecord | undefined> {
  const rows = await participantRows(t, tenantId, roomId);
  return rows.find((r) => r.profile_id === profileId);
}

export interface EventRecord {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/** The room's event log, oldest first. */
export async function roomEvents(
  t: TestApp,
  tenantId: string,
  roomId: string,
): Promise<EventRecord[]> {
  const rows: { seq: string; type: string; data: Record<string, unknown> }[] = await db(t).query(
    `SELECT seq, type, data FROM room_events WHERE tenant_id = $1 AND room_id = $2 ORDER BY seq`,
    [tenantId, roomId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), type: r.type, data: r.data }));
}

/** The stored `last_seq` of a room. */
export async function storedLastSeq(t: TestApp, tenantId: string, roomId: string): Promise<number> {
  const [row]: { last_seq: string }[] = await db(t).query(
    `SELECT last_seq FROM chat_rooms WHERE tenant_id = $1 AND id = $2`,
    [tenantId, roomId],
  );
  return Number(row.last_seq);
}

/** How many rooms a tenant has, to prove that a refused request stored nothing. */
export async function roomCount(t: TestApp, tenantId: string): Promise<number> {
  const [row]: { n: number }[] = await db(t).query(
    `SELECT count(*)::int AS n FROM chat_rooms WHERE tenant_id = $1`,
    [tenantId],
  );
  return row.n;
}
