import { DataSource } from 'typeorm';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

interface User {
  profileId: string;
  auth: { Authorization: string };
}

let t: TestApp;
let db: DataSource;

beforeAll(async () => {
  t = await startTestApp();
  db = t.app.get(DataSource);
});
afterAll(() => t.close());

const threadsOf = (roomId: string) => `/v1/rooms/${roomId}/threads`;

/** A room of `owner` with an admin, two members and a viewer; `outsider` is in the tenant only. */
async function setup(roomType: 'public' | 'private' = 'private') {
  const { tenantId, users } = makeTenant('owner', 'admin', 'member', 'other', 'viewer', 'outsider');
  const room = await t.http
    .post('/v1/rooms')
    .set(users.owner.auth)
    .send({ name: 'design', roomType })
    .expect(201);
  const roles = { admin: 'admin', member: 'member', other: 'member', viewer: 'viewer' };
  for (const [name, role] of Object.entries(roles)) {
    await t.http
      .post(`/v1/rooms/${room.body.id}/participants`)
      .set(users.owner.auth)
      .send({ profileId: users[name].profileId, role })
      .expect(201);
  }
  return { tenantId, users: users as Record<string, User>, roomId: room.body.id as string };
}

async function send(user: User, roomId: string, body: { content: string; threadId?: string }) {
  const res = await t.http.post(`/v1/rooms/${roomId}/messages`).set(user.auth).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; seq: number };
}

async function start(user: User, roomId: string, body: object = {}) {
  const res = await t.http.post(threadsOf(roomId)).set(user.auth).send(body);
  expect(res.status).toBe(201);
  return res.body as ThreadBody;
}

interface ThreadBody {
  id: string;
  isResolved: boolean;
  messageCount: number;
  title: string | null;
}

const threadEvents = (tenantId: string, roomId: string) =>
  db.query(
    `SELECT seq::int, type, data FROM room_events
      WHERE tenant_id = $1 AND room_id = $2 AND type LIKE 'thread.%' ORDER BY seq`,
    [tenantId, roomId],
  ) as Promise<{ seq: number; type: string; data: ThreadBody }[]>;

describe('POST /v1/rooms/:roomId/threads', () => {
  it('starts a thread on a root message, stores it and appends thread.created', async () => {
    const { tenantId, users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const res = await t.http
      .post(threadsOf(roomId))
      .set(users.other.auth)
      .send({ rootMessageId: root.id, title: 'Naming' })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      roomId,
      rootMessageId: root.id,
      title: 'Naming',
      isResolved: false,
      resolvedAt: null,
      resolvedByProfileId: null,
      messageCount: 0,
      lastMessageAt: null,
      createdByProfileId: users.other.profileId,
      createdAt: expect.any(String),
    });
    const [row] = await db.query(
      `SELECT room_id, root_message_id, title, created_by_profile_id FROM chat_threads
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, res.body.id],
    );
    expect(row).toEqual({
      room_id: roomId,
      root_message_id: root.id,
      title: 'Naming',
      created_by_profile_id: users.other.profileId,
    });
    expect(await threadEvents(tenantId, roomId)).toEqual([
      { seq: expect.any(Number), type: 'thread.created', data: res.body },
    ]);
  });

  it('answers 200 with the existing thread for the same root, and stores nothing', async () => {
    const { tenantId, users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const first = await start(users.member, roomId, { rootMessageId: root.id, title: 'first' });
    const again = await t.http
      .post(threadsOf(roomId))
      .set(users.admin.auth)
      .send({ rootMessageId: root.id, title: 'second' })
      .expect(200);
    expect(again.body).toEqual(first);
    expect(await threadEvents(tenantId, roomId)).toHaveLength(1);
  });

  it('starts rootless threads, each its own', async () => {
    const { users, roomId } = await setup();
    const a = await start(users.member, roomId, { title: 'Standup' });
    const b = await start(users.member, roomId, {});
    expect(a).toMatchObject({ rootMessageId: null, title: 'Standup' });
    expect(b).toMatchObject({ rootMessageId: null, title: null });
    expect(a.id).not.toBe(b.id);
  });

  it('meets 10 concurrent starts on one root on one thread', async () => {
    const { tenantId, users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const starters = [users.owner, users.admin, users.member, users.other];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.http
          .post(threadsOf(roomId))
          .set(starters[i % starters.length].auth)
          .send({ rootMessageId: root.id }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const rows = await db.query(
      `SELECT id FROM chat_threads WHERE tenant_id = $1 AND root_message_id = $2`,
      [tenantId, root.id],
    );
    expect(rows).toEqual([{ id: results[0].body.id }]);
    expect(await threadEvents(tenantId, roomId)).toHaveLength(1);
  });

  it('refuses a root from another room or tenant, a reply and a deleted message (400)', async () => {
    const { users, roomId } = await setup();
    const elsewhere = await setup();
    const otherRoom = await t.http
      .post('/v1/rooms')
      .set(users.member.auth)
      .send({ name: 'other', roomType: 'private' })
      .expect(201);
    const inOtherRoom = await send(users.member, otherRoom.body.id, { content: 'x' });
    const inOtherTenant = await send(elsewhere.users.member, elsewhere.roomId, { content: 'x' });
    const root = await send(users.member, roomId, { content: 'root' });
    const thread = await start(users.member, roomId, { rootMessageId: root.id });
    const reply = await send(users.member, roomId, { content: 'reply', threadId: thread.id });
    const deleted = await send(users.member, roomId, { content: 'gone' });
    await t.http
      .delete(`/v1/rooms/${roomId}/messages/${deleted.id}`)
      .set(users.member.auth)
      .expect(204);
    const missing = '01900000-0000-7000-8000-000000000000';
    for (const rootMessageId of [inOtherRoom.id, inOtherTenant.id, reply.id, deleted.id, missing]) {
      const res = await t.http
        .post(threadsOf(roomId))
        .set(users.member.auth)
        .send({ rootMessageId })
        .expect(400);
      expect(res.body.error).toBe('invalid_reference');
    }
  });

  it('refuses viewers (403) and archived rooms (409)', async () => {
    const { users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const res = await t.http
      .post(threadsOf(roomId))
      .set(users.viewer.auth)
      .send({ rootMessageId: root.id })
      .expect(403);
    expect(res.body.error).toBe('forbidden_role');
    await t.http.post(`/v1/rooms/${roomId}/archive`).set(users.owner.auth).expect(200);
    const archived = await t.http.post(threadsOf(roomId)).set(users.member.auth).send({});
    expect(archived.status).toBe(409);
    expect(archived.body.error).toBe('room_archived');
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
    ['a title that is no string', { title: 7 }],
    ['a malformed rootMessageId', { rootMessageId: 'not-a-uuid' }],
    ['a creator named in the body', { createdByProfileId: 'someone' }],
    ['a field of PATCH', { isResolved: true }],
  ])('refuses %s with 400 validation_failed', async (_label, body) => {
    const { users, roomId } = await setup();
    const res = await t.http.post(threadsOf(roomId)).set(users.member.auth).send(body).expect(400);
    expect(res.body.error).toBe('validation_failed');
    const rows = await db.query(`SELECT 1 FROM chat_threads WHERE room_id = $1`, [roomId]);
    expect(rows).toHaveLength(0);
  });
});

describe('GET /v1/rooms/:roomId/threads', () => {
  it('lists newest activity first, pages without duplicates and filters by resolved', async () => {
    const { users, roomId } = await setup();
    const made: ThreadBody[] = [];
    for (let i = 0; i < 5; i++) made.push(await start(users.member, roomId, { title: `t${i}` }));
    // A reply moves the oldest thread to the top.
    await send(users.member, roomId, { content: 'bump', threadId: made[0].id });
    await t.http
      .patch(`${threadsOf(roomId)}/${made[2].id}`)
      .set(users.member.auth)
      .send({ isResolved: true })
      .expect(200);
    const expected = [made[0], made[4], made[3], made[2], made[1]].map((x) => x.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await t.http
        .get(threadsOf(roomId))
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(users.viewer.auth)
        .expect(200);
      seen.push(...res.body.items.map((x: ThreadBody) => x.id));
      expect(res.body.hasMore).toBe(page < 2);
      cursor = res.body.nextCursor ?? undefined;
      expect(cursor === undefined).toBe(page === 2);
    }
    expect(seen).toEqual(expected);

    const all = await t.http.get(threadsOf(roomId)).set(users.member.auth).expect(200);
    expect(all.body.items.map((x: ThreadBody) => x.id)).toEqual(expected);
    expect(all.body.items[0]).toMatchObject({ messageCount: 1, lastMessageAt: expect.any(String) });
    const resolved = await t.http
      .get(threadsOf(roomId))
      .query({ resolved: 'true' })
      .set(users.member.auth)
      .expect(200);
    expect(resolved.body.items.map((x: ThreadBody) => x.id)).toEqual([made[2].id]);
    const open = await t.http
      .get(threadsOf(roomId))
      .query({ resolved: 'false' })
      .set(users.member.auth)
      .expect(200);
    expect(open.body.items.map((x: ThreadBody) => x.id)).toEqual(
      expected.filter((id) => id !== made[2].id),
    );
  });

  const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  const someId = '01900000-0000-7000-8000-000000000000';

  it.each([
    ['resolved=maybe', { resolved: 'maybe' }],
    ['limit above 200', { limit: '201' }],
    ['limit 0', { limit: '0' }],
    ['a cursor that is no cursor', { cursor: 'garbage' }],
    ['a cursor on February 30', { cursor: forged(['2025-02-30T00:00:00.000000Z', someId]) }],
    ['a cursor with a bad id', { cursor: forged(['2025-02-03T00:00:00.000000Z', 'x']) }],
    ['an unknown parameter', { unknown: '1' }],
  ])('refuses %s with 400 validation_failed', async (_label, query) => {
    const { users, roomId } = await setup();
    const res = await t.http.get(threadsOf(roomId)).query(query).set(users.member.auth).expect(400);
    expect(res.body.error).toBe('validation_failed');
  });
});

describe('GET /v1/rooms/:roomId/threads/:threadId', () => {
  it('returns the thread to any active participant', async () => {
    const { users, roomId } = await setup();
    const thread = await start(users.member, roomId, { title: 'x' });
    const res = await t.http
      .get(`${threadsOf(roomId)}/${thread.id}`)
      .set(users.viewer.auth)
      .expect(200);
    expect(res.body).toEqual(thread);
  });

  it('answers 404 thread_not_found for a thread of another room, and 400 for a bad id', async () => {
    const { users, roomId } = await setup();
    const other = await t.http
      .post('/v1/rooms')
      .set(users.member.auth)
      .send({ name: 'other', roomType: 'private' })
      .expect(201);
    const foreign = await start(users.member, other.body.id, { title: 'elsewhere' });
    for (const path of [`/${foreign.id}`, `/${foreign.id}/messages`]) {
      const res = await t.http
        .get(threadsOf(roomId) + path)
        .set(users.member.auth)
        .expect(404);
      expect(res.body.error).toBe('thread_not_found');
    }
    const patch = await t.http
      .patch(`${threadsOf(roomId)}/${foreign.id}`)
      .set(users.owner.auth)
      .send({ isResolved: true })
      .expect(404);
    expect(patch.body.error).toBe('thread_not_found');
    const bad = await t.http
      .get(`${threadsOf(roomId)}/nope`)
      .set(users.member.auth)
      .expect(400);
    expect(bad.body.error).toBe('invalid_id');
  });
});

describe('GET /v1/rooms/:roomId/threads/:threadId/messages', () => {
  it('pages replies oldest first in both directions, without duplicates, with reactions', async () => {
    const { users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const thread = await start(users.member, roomId, { rootMessageId: root.id });
    const replies: { id: string; seq: number }[] = [];
    for (let i = 0; i < 7; i++) {
      replies.push(await send(users.other, roomId, { content: `r${i}`, threadId: thread.id }));
      await send(users.member, roomId, { content: `timeline ${i}` });
    }
    const url = `${threadsOf(roomId)}/${thread.id}/messages`;
    await t.http
      .put(`/v1/rooms/${roomId}/messages/${replies[1].id}/reactions/👍`)
      .set(users.member.auth)
      .expect(201);
    await t.http
      .put(`/v1/rooms/${roomId}/messages/${replies[1].id}/reactions/👍`)
      .set(users.other.auth)
      .expect(201);

    const forward: string[] = [];
    let after: number | undefined;
    for (const [size, more] of [
      [3, true],
      [3, true],
      [1, false],
    ] as const) {
      const res = await t.http
        .get(url)
        .query({ limit: 3, ...(after !== undefined ? { after } : {}) })
        .set(users.viewer.auth)
        .expect(200);
      expect(res.body.items).toHaveLength(size);
      expect(res.body.hasMore).toBe(more);
      forward.push(...res.body.items.map((m: { id: string }) => m.id));
      after = res.body.items.at(-1).seq;
    }
    expect(forward).toEqual(replies.map((r) => r.id));

    const backward: string[] = [];
    let before = Number.MAX_SAFE_INTEGER;
    for (const [size, more] of [
      [3, true],
      [3, true],
      [1, false],
    ] as const) {
      const res = await t.http.get(url).query({ limit: 3, before }).set(users.member.auth);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(size);
      expect(res.body.hasMore).toBe(more);
      const seqs = res.body.items.map((m: { seq: number }) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      backward.unshift(...res.body.items.map((m: { id: string }) => m.id));
      before = seqs[0];
    }
    expect(backward).toEqual(replies.map((r) => r.id));

    const page = await t.http.get(url).set(users.other.auth).expect(200);
    expect(page.body.items[0]).toMatchObject({
      id: replies[0].id,
      threadId: thread.id,
      content: 'r0',
      senderProfileId: users.other.profileId,
      reactions: [],
    });
    expect(page.body.items[1].reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
    const thread2 = await t.http.get(`${threadsOf(roomId)}/${thread.id}`).set(users.member.auth);
    expect(thread2.body.messageCount).toBe(7);
  });

  it('leaves deleted replies out', async () => {
    const { users, roomId } = await setup();
    const thread = await start(users.member, roomId, {});
    const kept = await send(users.member, roomId, { content: 'kept', threadId: thread.id });
    const gone = await send(users.member, roomId, { content: 'gone', threadId: thread.id });
    await t.http
      .delete(`/v1/rooms/${roomId}/messages/${gone.id}`)
      .set(users.member.auth)
      .expect(204);
    const res = await t.http
      .get(`${threadsOf(roomId)}/${thread.id}/messages`)
      .set(users.member.auth)
      .expect(200);
    expect(res.body).toEqual({ items: [expect.objectContaining({ id: kept.id })], hasMore: false });
  });

  it.each([[{ after: '-1' }], [{ before: 'abc' }], [{ limit: '500' }], [{ cursor: 'x' }]])(
    'refuses the query %j with 400 validation_failed',
    async (query) => {
      const { users, roomId } = await setup();
      const thread = await start(users.member, roomId, {});
      const res = await t.http
        .get(`${threadsOf(roomId)}/${thread.id}/messages`)
        .query(query)
        .set(users.member.auth)
        .expect(400);
      expect(res.body.error).toBe('validation_failed');
    },
  );
});

describe('PATCH /v1/rooms/:roomId/threads/:threadId', () => {
  it('resolves and reopens, storing who and when, with thread.updated events', async () => {
    const { tenantId, users, roomId } = await setup();
    const thread = await start(users.member, roomId, { title: 'q' });
    const url = `${threadsOf(roomId)}/${thread.id}`;
    const resolved = await t.http
      .patch(url)
      .set(users.member.auth)
      .send({ isResolved: true })
      .expect(200);
    expect(resolved.body).toMatchObject({
      isResolved: true,
      resolvedAt: expect.any(String),
      resolvedByProfileId: users.member.profileId,
    });
    const [row] = await db.query(
      `SELECT is_resolved, resolved_by_profile_id FROM chat_threads WHERE tenant_id = $1 AND id = $2`,
      [tenantId, thread.id],
    );
    expect(row).toEqual({ is_resolved: true, resolved_by_profile_id: users.member.profileId });
    const reopened = await t.http
      .patch(url)
      .set(users.owner.auth)
      .send({ isResolved: false, title: 'renamed' })
      .expect(200);
    expect(reopened.body).toMatchObject({
      isResolved: false,
      resolvedAt: null,
      resolvedByProfileId: null,
      title: 'renamed',
    });
    const cleared = await t.http.patch(url).set(users.admin.auth).send({ title: null }).expect(200);
    expect(cleared.body.title).toBeNull();
    // Nothing to change: no write, no event.
    await t.http.patch(url).set(users.admin.auth).send({}).expect(200);
    const events = await threadEvents(tenantId, roomId);
    expect(events.map((e) => e.type)).toEqual([
      'thread.created',
      'thread.updated',
      'thread.updated',
      'thread.updated',
    ]);
    expect(events.slice(1).map((e) => e.data)).toEqual([
      resolved.body,
      reopened.body,
      cleared.body,
    ]);
  });

  it('lets the root author change a thread someone else started', async () => {
    const { users, roomId } = await setup();
    const root = await send(users.other, roomId, { content: 'root' });
    const thread = await start(users.member, roomId, { rootMessageId: root.id });
    const res = await t.http
      .patch(`${threadsOf(roomId)}/${thread.id}`)
      .set(users.other.auth)
      .send({ isResolved: true })
      .expect(200);
    expect(res.body.resolvedByProfileId).toBe(users.other.profileId);
  });

  it('refuses a member who is neither creator nor root author, and viewers (403)', async () => {
    const { tenantId, users, roomId } = await setup();
    const root = await send(users.member, roomId, { content: 'root' });
    const thread = await start(users.member, roomId, { rootMessageId: root.id });
    for (const user of [users.other, users.viewer]) {
      const res = await t.http
        .patch(`${threadsOf(roomId)}/${thread.id}`)
        .set(user.auth)
        .send({ isResolved: true })
        .expect(403);
      expect(res.body.error).toBe('forbidden_role');
    }
    const [row] = await db.query(
      `SELECT is_resolved FROM chat_threads WHERE tenant_id = $1 AND id = $2`,
      [tenantId, thread.id],
    );
    expect(row.is_resolved).toBe(false);
  });

  it.each([
    ['isResolved that is no boolean', { isResolved: 'yes' }],
    ['isResolved null', { isResolved: null }],
    ['an empty title', { title: '' }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
    ['a field of POST', { rootMessageId: '01900000-0000-7000-8000-000000000000' }],
  ])('refuses %s with 400 validation_failed', async (_label, body) => {
    const { users, roomId } = await setup();
    const thread = await start(users.member, roomId, {});
    const res = await t.http
      .patch(`${threadsOf(roomId)}/${thread.id}`)
      .set(users.member.auth)
      .send(body)
      .expect(400);
    expect(res.body.error).toBe('validation_failed');
  });
});

describe('who can reach the threads of a room', () => {
  async function routes() {
    const ctx = await setup();
    const publicRoom = await t.http
      .post('/v1/rooms')
      .set(ctx.users.owner.auth)
      .send({ name: 'lobby', roomType: 'public' })
      .expect(201);
    const thread = await start(ctx.users.owner, ctx.roomId, {});
    const publicThread = await start(ctx.users.owner, publicRoom.body.id, {});
    const calls = (roomId: string, threadId: string) => [
      t.http.post(threadsOf(roomId)).send({}),
      t.http.get(threadsOf(roomId)),
      t.http.get(`${threadsOf(roomId)}/${threadId}`),
      t.http.get(`${threadsOf(roomId)}/${threadId}/messages`),
      t.http.patch(`${threadsOf(roomId)}/${threadId}`).send({ isResolved: true }),
    ];
    return {
      ...ctx,
      privateCalls: () => calls(ctx.roomId, thread.id),
      publicCalls: () => calls(publicRoom.body.id, publicThread.id),
    };
  }

  it('hides every route of a private room from a non-member (404 room_not_found)', async () => {
    const { users, privateCalls } = await routes();
    for (const call of privateCalls()) {
      const res = await call.set(users.outsider.auth);
      expect([res.status, res.body.error]).toEqual([404, 'room_not_found']);
    }
  });

  it('refuses a non-member of a public room (403 not_a_participant)', async () => {
    const { users, publicCalls } = await routes();
    for (const call of publicCalls()) {
      const res = await call.set(users.outsider.auth);
      expect([res.status, res.body.error]).toEqual([403, 'not_a_participant']);
    }
  });

  it('hides every route from another tenant, public rooms included (404)', async () => {
    const { privateCalls, publicCalls } = await routes();
    const stranger = makeTenant('stranger').users.stranger;
    for (const call of [...privateCalls(), ...publicCalls()]) {
      const res = await call.set(stranger.auth);
      expect([res.status, res.body.error]).toEqual([404, 'room_not_found']);
    }
  });

  it('refuses a request without a token (401)', async () => {
    const { privateCalls } = await routes();
    for (const call of privateCalls()) expect((await call).status).toBe(401);
  });
});
