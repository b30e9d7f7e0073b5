import {
  addMember,
  createRoom,
  db,
  expectError,
  expectStatus,
  getRoom,
  inOtherTenant,
  listParticipants,
  participantRow,
  participantRows,
  participantShape,
  RoomBody,
  roomCount,
  roomEvents,
  roomShape,
  roomWith,
  setRole,
  storedLastSeq,
  UNKNOWN_ROOM_ID,
  User,
} from './support/rooms';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

type ListedRoom = RoomBody & { myRole: string | null; unreadCount: number };

describe('Rooms', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const send = (user: User | undefined, method: string, path: string, body?: object) => {
    const req = t.http[method.toLowerCase() as 'get' | 'post' | 'patch'](path);
    if (user) void req.set(user.auth);
    return body ? req.send(body) : req;
  };

  describe('every /v1/rooms/:roomId route', () => {
    const routes: { method: string; suffix: string; body?: object }[] = [
      { method: 'GET', suffix: '' },
      { method: 'PATCH', suffix: '', body: { name: 'Renamed' } },
      { method: 'POST', suffix: '/archive' },
      { method: 'POST', suffix: '/unarchive' },
      { method: 'POST', suffix: '/join' },
      { method: 'POST', suffix: '/leave' },
    ];

    it.each(routes)(
      '$method …$suffix: 401 unauthorized without a token',
      async ({ method, suffix, body }) => {
        const { users } = makeTenant('alice');
        const room = await createRoom(t, users.alice);
        const res = await send(undefined, method, `/v1/rooms/${room.id}${suffix}`, body);
        expectError(res, 401, 'unauthorized');
        expect(await storedLastSeq(t, room.tenantId, room.id)).toBe(1);
      },
    );

    it.each(routes)(
      '$method …$suffix: 400 invalid_id for a malformed id',
      async ({ method, suffix, body }) => {
        const { users } = makeTenant('alice');
        for (const bad of ['not-a-uuid', '123', '01900000-0000-7000-8000-00000000000g']) {
          const res = await send(users.alice, method, `/v1/rooms/${bad}${suffix}`, body);
          expectError(res, 400, 'invalid_id');
        }
      },
    );

    it.each(routes)(
      '$method …$suffix: 404 room_not_found for an unknown id',
      async ({ method, suffix, body }) => {
        const { users } = makeTenant('alice');
        const res = await send(users.alice, method, `/v1/rooms/${UNKNOWN_ROOM_ID}${suffix}`, body);
        expectError(res, 404, 'room_not_found');
      },
    );

    it.each(routes)(
      '$method …$suffix: 404 room_not_found for the other tenant, public or private, and nothing changes',
      async ({ method, suffix, body }) => {
        const { users } = makeTenant('alice');
        // The same profile id, signed for another tenant: the owner's own id must not carry over.
        const outsider = inOtherTenant(users.alice);
        for (const roomType of ['public', 'private']) {
          const room = await createRoom(t, users.alice, { roomType });
          const res = await send(outsider, method, `/v1/rooms/${room.id}${suffix}`, body);
          expectError(res, 404, 'room_not_found');
          expect(await getRoom(t, users.alice, room.id)).toEqual(room);
          expect(await participantRows(t, room.tenantId, room.id)).toEqual([
            { profile_id: users.alice.profileId, role: 'owner', status: 'active', is_muted: false },
          ]);
        }
      },
    );
  });

  describe('POST /v1/rooms', () => {
    it('creates a public room with every field and makes the actor its owner (201)', async () => {
      const { tenantId, users } = makeTenant('alice');
      const res = await t.http.post('/v1/rooms').set(users.alice.auth).send({
        name: 'Launch',
        roomType: 'public',
        topic: 'Go-live',
        description: 'Everything about the launch',
        maxParticipants: 10,
      });
      expectStatus(res, 201);
      const room = res.body as RoomBody;
      expect(room).toEqual(
        roomShape({
          tenantId,
          name: 'Launch',
          roomType: 'public',
          topic: 'Go-live',
          description: 'Everything about the launch',
          maxParticipants: 10,
          createdByProfileId: users.alice.profileId,
          lastSeq: 1,
        }),
      );
      expect(await getRoom(t, users.alice, room.id)).toEqual(room);
      expect(await listParticipants(t, users.alice, room.id)).toEqual([
        participantShape({ roomId: room.id, profileId: users.alice.profileId, role: 'owner' }),
      ]);
      const events = await roomEvents(t, tenantId, room.id);
      expect(events.map((e) => [e.seq, e.type, e.data.profileId, e.data.role])).toEqual([
        [1, 'participant.joined', users.alice.profileId, 'owner'],
      ]);
    });

    it('creates a private room with the defaults', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice, { name: 'Board', roomType: 'private' });
      expect(room).toEqual(
        roomShape({
          tenantId,
          name: 'Board',
          roomType: 'private',
          createdByProfileId: users.alice.profileId,
          lastSeq: 1,
        }),
      );
      expect(await getRoom(t, users.alice, room.id)).toEqual(room);
    });

    it.each<[string, object]>([
      ['no body fields', {}],
      ['a missing name', { roomType: 'public' }],
      ['an empty name', { name: '', roomType: 'public' }],
      ['a name that is a number', { name: 42, roomType: 'public' }],
      ['a blank name', { name: '   ', roomType: 'public' }],
      ['a null name', { name: null, roomType: 'public' }],
      ['a name over 200 characters', { name: 'x'.repeat(201), roomType: 'public' }],
      ['a missing roomType', { name: 'x' }],
      ['roomType dm', { name: 'x', roomType: 'dm' }],
      ['roomType agent', { name: 'x', roomType: 'agent' }],
      ['an unknown roomType', { name: 'x', roomType: 'secret' }],
      ['a topic that is a number', { name: 'x', roomType: 'public', topic: 5 }],
      ['a topic over 500 characters', { name: 'x', roomType: 'public', topic: 'x'.repeat(501) }],
      ['a description over 4000', { name: 'x', roomType: 'public', description: 'x'.repeat(4001) }],
      ['a negative maxParticipants', { name: 'x', roomType: 'public', maxParticipants: -1 }],
      ['a fractional maxParticipants', { name: 'x', roomType: 'public', maxParticipants: 1.5 }],
      ['a maxParticipants string', { name: 'x', roomType: 'public', maxParticipants: '5' }],
      ['an unknown field', { name: 'x', roomType: 'public', color: 'red' }],
      ['a tenantId field', { name: 'x', roomType: 'public', tenantId: 't-other' }],
      ['a createdByProfileId field', { name: 'x', roomType: 'public', createdByProfileId: 'eve' }],
      ['a status field', { name: 'x', roomType: 'public', status: 'archived' }],
      ['a lastSeq field', { name: 'x', roomType: 'public', lastSeq: 99 }],
    ])('refuses %s with 400 validation_failed and stores nothing', async (_case, body) => {
      const { tenantId, users } = makeTenant('alice');
      const res = await t.http.post('/v1/rooms').set(users.alice.auth).send(body);
      expectError(res, 400, 'validation_failed');
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it('answers 401 without a token or with a garbled one', async () => {
      const body = { name: 'x', roomType: 'public' };
      expectError(await t.http.post('/v1/rooms').send(body), 401, 'unauthorized');
      const garbled = { Authorization: 'Bearer not.a.token' };
      expectError(await t.http.post('/v1/rooms').set(garbled).send(body), 401, 'unauthorized');
    });
  });

  describe('GET /v1/rooms', () => {
    const list = async (user: User, query = '') => {
      const res = await t.http.get(`/v1/rooms${query}`).set(user.auth);
      expectStatus(res, 200);
      return res.body as { items: ListedRoom[]; hasMore: boolean; nextCursor: string | null };
    };
    /** A list item: the room as GET shows it now, with the actor's role. */
    const listed = async (user: User, room: RoomBody, myRole: string | null) => ({
      ...(await getRoom(t, user, room.id)),
      myRole,
      unreadCount: 0,
    });

    it('scope=joined (the default): only rooms where the actor is active, newest activity first', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const own = await createRoom(t, alice, { name: 'own' });
      const secret = await createRoom(t, alice, { name: 'secret', roomType: 'private' });
      const added = await roomWith(t, bob, [[alice, 'admin']], { name: 'added' });
      await createRoom(t, bob, { name: 'not mine', roomType: 'private' });
      await createRoom(t, bob, { name: 'public, not joined' });
      const left = await createRoom(t, bob, { name: 'left' });
      await t.http.post(`/v1/rooms/${left.id}/join`).set(alice.auth).expect(200);
      await t.http.post(`/v1/rooms/${left.id}/leave`).set(alice.auth).expect(200);
      const kicked = await roomWith(t, bob, [[alice, 'member']], { name: 'kicked' });
      await t.http
        .delete(`/v1/rooms/${kicked.id}/participants/${alice.profileId}`)
        .set(bob.auth)
        .expect(204);

      const page = await list(alice);
      expect(page).toEqual({
        items: [
          await listed(alice, added, 'admin'),
          await listed(alice, secret, 'owner'),
          await listed(alice, own, 'owner'),
        ],
        hasMore: false,
        nextCursor: null,
      });
      expect(await list(alice, '?scope=joined')).toEqual(page);

      // A message in the oldest room makes it the newest activity.
      await db(t).query(
        `UPDATE chat_rooms SET last_message_at = now() + interval '1 minute'
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, own.id],
      );
      const reordered = await list(alice);
      expect(reordered.items.map((r) => r.name)).toEqual(['own', 'added', 'secret']);
      expect(reordered.items[0].lastMessageAt).toEqual(expect.any(String));
    });

    it('scope=public: the active public rooms of the tenant only, with myRole where joined', async () => {
      const { users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const mine = await createRoom(t, alice, { name: 'mine' });
      const theirs = await createRoom(t, bob, { name: 'theirs' });
      await createRoom(t, bob, { name: 'private', roomType: 'private' });
      const archived = await createRoom(t, alice, { name: 'archived' });
      await t.http.post(`/v1/rooms/${archived.id}/archive`).set(alice.auth).expect(200);
      await t.http.post('/v1/dms').set(alice.auth).send({ profileId: bob.profileId }).expect(201);
      const elsewhere = makeTenant('carol');
      await createRoom(t, elsewhere.users.carol, { name: 'other tenant' });

      expect(await list(alice, '?scope=public')).toEqual({
        items: [await listed(alice, theirs, null), await listed(alice, mine, 'owner')],
        hasMore: false,
        nextCursor: null,
      });
      const seenByBob = await list(bob, '?scope=public');
      expect(seenByBob.items.map((r) => [r.name, r.myRole])).toEqual([
        ['theirs', 'owner'],
        ['mine', null],
      ]);
      expect((await list(elsewhere.users.carol, '?scope=public')).items.map((r) => r.name)).toEqual(
        ['other tenant'],
      );
    });

    it('pages with limit, hasMore and nextCursor through every room exactly once', async () => {
      const { users } = makeTenant('alice');
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.unshift((await createRoom(t, users.alice)).id);
      const seen: string[] = [];
      const pages: [number, boolean, boolean][] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await list(users.alice, query);
        pages.push([page.items.length, page.hasMore, page.nextCursor !== null]);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([
        [3, true, true],
        [3, true, true],
        [1, false, false],
      ]);
      expect(seen).toEqual(made);
    });

    it('pages without loss when rooms share a timestamp or a millisecond', async () => {
      const { tenantId, users } = makeTenant('alice');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await createRoom(t, users.alice)).id);
      // Two rooms at the very same instant, four within one millisecond, microseconds apart.
      const micros = [0, 0, 100, 200, 300, 400];
      for (const [i, id] of ids.entries()) {
        await db(t).query(
          `UPDATE chat_rooms SET created_at = '2030-01-01T00:00:00.123Z'::timestamptz + $3 * interval '1 microsecond'
            WHERE tenant_id = $1 AND id = $2`,
          [tenantId, id, micros[i]],
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res = await list(users.alice, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.items.map((r) => r.id));
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...ids].sort());
    });

    it('accepts limit=200', async () => {
      const { users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      expect((await list(users.alice, '?limit=200')).items.map((r) => r.id)).toEqual([room.id]);
    });

    it.each([
      ['limit over 200', '?limit=201'],
      ['limit 0', '?limit=0'],
      ['a non-numeric limit', '?limit=ten'],
      ['an unknown scope', '?scope=all'],
      ['a cursor this server did not make', '?cursor=garbage'],
      [
        'a cursor with values of the wrong kind',
        `?cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
      ],
      ['an unknown query parameter', '?tenantId=t-other'],
    ])('refuses %s with 400 validation_failed', async (_case, query) => {
      const { users } = makeTenant('alice');
      expectError(
        await t.http.get(`/v1/rooms${query}`).set(users.alice.auth),
        400,
        'validation_failed',
      );
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.get('/v1/rooms'), 401, 'unauthorized');
    });
  });

  describe('GET /v1/rooms/:roomId', () => {
    it('shows the room to its participants, viewers included', async () => {
      const { users } = makeTenant('alice', 'vera');
      const room = await roomWith(t, users.alice, [[users.vera, 'viewer']], {
        roomType: 'private',
      });
      const res = await t.http.get(`/v1/rooms/${room.id}`).set(users.vera.auth);
      expectStatus(res, 200);
      expect(res.body).toEqual({ ...room, lastSeq: 2, updatedAt: expect.any(String) });
      expect(await getRoom(t, users.alice, room.id)).toEqual(res.body);
    });

    it('shows a public room to a non-participant of the tenant, and accepts an upper-case id', async () => {
      const { users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice);
      expect(await getRoom(t, users.bob, room.id)).toEqual(room);
      expect(await getRoom(t, users.bob, room.id.toUpperCase())).toEqual(room);
    });

    it('hides a private room from a non-participant and from a former participant (404)', async () => {
      const { users } = makeTenant('alice', 'bob', 'carol');
      const room = await roomWith(t, users.alice, [[users.carol, 'member']], {
        roomType: 'private',
      });
      const res = await t.http.get(`/v1/rooms/${room.id}`).set(users.bob.auth);
      expectError(res, 404, 'room_not_found');
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.carol.auth).expect(200);
      expectError(
        await t.http.get(`/v1/rooms/${room.id}`).set(users.carol.auth),
        404,
        'room_not_found',
      );
    });
  });

  describe('PATCH /v1/rooms/:roomId', () => {
    it('lets the owner change every field: the room, GET, lastSeq and the event agree', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      const res = await t.http.patch(`/v1/rooms/${room.id}`).set(users.alice.auth).send({
        name: 'Renamed',
        topic: 'New topic',
        description: 'New description',
        maxParticipants: 7,
      });
      expectStatus(res, 200);
      expect(res.body).toEqual(
        roomShape({
          ...room,
          name: 'Renamed',
          topic: 'New topic',
          description: 'New description',
          maxParticipants: 7,
          lastSeq: room.lastSeq + 1,
          updatedAt: expect.any(String),
        }),
      );
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(room.updatedAt));
      expect(await getRoom(t, users.alice, room.id)).toEqual(res.body);
      const events = await roomEvents(t, tenantId, room.id);
      expect(events.at(-1)).toEqual({
        seq: room.lastSeq + 1,
        type: 'room.updated',
        data: res.body,
      });
    });

    it('lets an admin change the room and keeps the fields it did not send', async () => {
      const { users } = makeTenant('alice', 'adam');
      const room = await roomWith(t, users.alice, [[users.adam, 'admin']], {
        topic: 'Keep me',
        maxParticipants: 9,
      });
      const res = await t.http
        .patch(`/v1/rooms/${room.id}`)
        .set(users.adam.auth)
        .send({ name: 'By admin' });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ name: 'By admin', topic: 'Keep me', maxParticipants: 9 });
      expect(await getRoom(t, users.alice, room.id)).toMatchObject({
        name: 'By admin',
        topic: 'Keep me',
        lastSeq: room.lastSeq + 2,
      });
    });

    it('clears topic and description with null', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice, { topic: 'Old', description: 'Old too' });
      const res = await t.http
        .patch(`/v1/rooms/${room.id}`)
        .set(users.alice.auth)
        .send({ topic: null, description: null });
      expectStatus(res, 200);
      expect(res.body).toEqual({
        ...room,
        topic: null,
        description: null,
        lastSeq: 2,
        updatedAt: expect.any(String),
      });
      expect(await getRoom(t, users.alice, room.id)).toEqual(res.body);
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
        seq: 2,
        type: 'room.updated',
        data: res.body,
      });
    });

    it('answers the unchanged room without an event when nothing differs', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice, { name: 'Same', topic: 'Same' });
      for (const body of [
        {},
        { name: 'Same' },
        { name: 'Same', topic: 'Same', maxParticipants: 0 },
      ]) {
        const res = await t.http.patch(`/v1/rooms/${room.id}`).set(users.alice.auth).send(body);
        expectStatus(res, 200);
        expect(res.body).toEqual(room);
      }
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(1);
    });

    it.each(['member', 'viewer'] as const)(
      'refuses a %s with 403 forbidden_role and changes nothing',
      async (role) => {
        const { users } = makeTenant('alice', 'bob');
        const room = await roomWith(t, users.alice, [[users.bob, role]]);
        const res = await t.http
          .patch(`/v1/rooms/${room.id}`)
          .set(users.bob.auth)
          .send({ name: 'Hijacked' });
        expectError(res, 403, 'forbidden_role');
        expect(await getRoom(t, users.alice, room.id)).toEqual({
          ...room,
          lastSeq: 2,
          updatedAt: expect.any(String),
        });
      },
    );

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { users } = makeTenant('alice', 'bob');
      const open = await createRoom(t, users.alice);
      const closed = await createRoom(t, users.alice, { roomType: 'private' });
      const patch = (id: string) =>
        t.http.patch(`/v1/rooms/${id}`).set(users.bob.auth).send({ name: 'Hijacked' });
      expectError(await patch(open.id), 403, 'not_a_participant');
      expectError(await patch(closed.id), 404, 'room_not_found');
      expect(await getRoom(t, users.alice, open.id)).toEqual(open);
      expect(await getRoom(t, users.alice, closed.id)).toEqual(closed);
    });

    it.each<[string, object]>([
      ['an empty name', { name: '' }],
      ['a name that is a number', { name: 5 }],
      ['a null name', { name: null }],
      ['a blank name', { name: ' \t ' }],
      ['a null maxParticipants', { maxParticipants: null }],
      ['a name over 200 characters', { name: 'x'.repeat(201) }],
      ['a topic over 500 characters', { topic: 'x'.repeat(501) }],
      ['a negative maxParticipants', { maxParticipants: -1 }],
      ['a maxParticipants string', { maxParticipants: '3' }],
      ['a roomType', { roomType: 'private' }],
      ['a status', { status: 'archived' }],
      ['an unknown field', { name: 'ok', color: 'red' }],
    ])('refuses %s with 400 validation_failed and changes nothing', async (_case, body) => {
      const { users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      const res = await t.http.patch(`/v1/rooms/${room.id}`).set(users.alice.auth).send(body);
      expectError(res, 400, 'validation_failed');
      expect(await getRoom(t, users.alice, room.id)).toEqual(room);
    });

    it('refuses a dm room with 400 invalid_room_type, for either side', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const dm = await t.http
        .post('/v1/dms')
        .set(users.alice.auth)
        .send({ profileId: users.bob.profileId });
      expectStatus(dm, 201);
      for (const user of [users.alice, users.bob]) {
        const res = await t.http
          .patch(`/v1/rooms/${dm.body.id}`)
          .set(user.auth)
          .send({ name: 'Renamed' });
        expectError(res, 400, 'invalid_room_type');
      }
      expect(await getRoom(t, users.alice, dm.body.id)).toEqual(dm.body);
      expect(await storedLastSeq(t, tenantId, dm.body.id)).toBe(2);
    });
  });

  describe('POST /v1/rooms/:roomId/archive and /unarchive', () => {
    it('lets the owner archive and unarchive: status, lastSeq, GET and events agree; repeats are no-ops', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      const archived = await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth);
      expectStatus(archived, 200);
      expect(archived.body).toEqual(
        roomShape({ ...room, status: 'archived', lastSeq: 2, updatedAt: expect.any(String) }),
      );
      expect(await getRoom(t, users.alice, room.id)).toEqual(archived.body);

      const again = await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth);
      expectStatus(again, 200);
      expect(again.body).toEqual(archived.body);

      const unarchived = await t.http.post(`/v1/rooms/${room.id}/unarchive`).set(users.alice.auth);
      expectStatus(unarchived, 200);
      expect(unarchived.body).toEqual({
        ...archived.body,
        status: 'active',
        lastSeq: 3,
        updatedAt: expect.any(String),
      });
      expect(await getRoom(t, users.alice, room.id)).toEqual(unarchived.body);
      const twice = await t.http.post(`/v1/rooms/${room.id}/unarchive`).set(users.alice.auth);
      expect(twice.body).toEqual(unarchived.body);

      const events = await roomEvents(t, tenantId, room.id);
      expect(events.map((e) => [e.seq, e.type, e.data.status])).toEqual([
        [1, 'participant.joined', 'active'],
        [2, 'room.updated', 'archived'],
        [3, 'room.updated', 'active'],
      ]);
    });

    it('keeps an archived room readable but out of the public list', async () => {
      const { users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice);
      await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth).expect(200);
      expect((await getRoom(t, users.bob, room.id)).status).toBe('archived');
      expect(await listParticipants(t, users.alice, room.id)).toHaveLength(1);
      const res = await t.http.get('/v1/rooms?scope=public').set(users.bob.auth).expect(200);
      expect(res.body.items).toEqual([]);
    });

    it.each(['admin', 'member', 'viewer'] as const)(
      'refuses a %s with 403 forbidden_role, both ways',
      async (role) => {
        const { users } = makeTenant('alice', 'bob');
        const room = await roomWith(t, users.alice, [[users.bob, role]]);
        const res = await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.bob.auth);
        expectError(res, 403, 'forbidden_role');
        expect((await getRoom(t, users.alice, room.id)).status).toBe('active');
        await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth).expect(200);
        const back = await t.http.post(`/v1/rooms/${room.id}/unarchive`).set(users.bob.auth);
        expectError(back, 403, 'forbidden_role');
        expect((await getRoom(t, users.alice, room.id)).status).toBe('archived');
      },
    );

    it.each(['archive', 'unarchive'])(
      '/%s: a non-participant gets 403 not_a_participant on a public room, 404 on a private one',
      async (action) => {
        const { users } = makeTenant('alice', 'bob');
        const open = await createRoom(t, users.alice);
        const closed = await createRoom(t, users.alice, { roomType: 'private' });
        const res = await t.http.post(`/v1/rooms/${open.id}/${action}`).set(users.bob.auth);
        expectError(res, 403, 'not_a_participant');
        const hidden = await t.http.post(`/v1/rooms/${closed.id}/${action}`).set(users.bob.auth);
        expectError(hidden, 404, 'room_not_found');
        expect(await getRoom(t, users.alice, open.id)).toEqual(open);
        expect(await getRoom(t, users.alice, closed.id)).toEqual(closed);
      },
    );
  });

  describe('POST /v1/rooms/:roomId/join', () => {
    it('makes a non-participant a member of a public room (200), idempotently', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice);
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth);
      expectStatus(res, 200);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, role: 'member' }),
      );
      expect(await listParticipants(t, users.bob, room.id)).toContainEqual(res.body);
      expect((await getRoom(t, users.bob, room.id)).lastSeq).toBe(2);
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
        seq: 2,
        type: 'participant.joined',
        data: res.body,
      });

      const again = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth);
      expectStatus(again, 200);
      expect(again.body).toEqual(res.body);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
    });

    it('keeps the role of an active participant who joins again', async () => {
      const { users } = makeTenant('alice', 'adam');
      const room = await roomWith(t, users.alice, [[users.adam, 'admin']]);
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.adam.auth);
      expectStatus(res, 200);
      expect(res.body.role).toBe('admin');
      const owner = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.alice.auth);
      expect(owner.body.role).toBe('owner');
    });

    it('takes back a participant who left or was kicked, as a member', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const room = await roomWith(t, users.alice, [
        [users.bob, 'admin'],
        [users.carol, 'member'],
      ]);
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth).expect(200);
      await t.http
        .delete(`/v1/rooms/${room.id}/participants/${users.carol.profileId}`)
        .set(users.alice.auth)
        .expect(204);
      for (const user of [users.bob, users.carol]) {
        const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(user.auth);
        expectStatus(res, 200);
        expect(res.body).toEqual(
          participantShape({ roomId: room.id, profileId: user.profileId, role: 'member' }),
        );
        expect(await participantRow(t, tenantId, room.id, user.profileId)).toMatchObject({
          status: 'active',
          role: 'member',
        });
      }
    });

    it('answers 404 for a private room and stores nothing', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice, { roomType: 'private' });
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth);
      expectError(res, 404, 'room_not_found');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toBeUndefined();
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(1);
    });

    it('refuses a banned profile with 403 participant_banned', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      await t.http
        .delete(`/v1/rooms/${room.id}/participants/${users.bob.profileId}?ban=true`)
        .set(users.alice.auth)
        .expect(204);
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth);
      expectError(res, 403, 'participant_banned');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'banned',
      });
    });

    it('refuses when the room is full with 409 room_full', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const room = await createRoom(t, users.alice, { maxParticipants: 2 });
      await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth).expect(200);
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.carol.auth);
      expectError(res, 409, 'room_full');
      expect(await participantRow(t, tenantId, room.id, users.carol.profileId)).toBeUndefined();
      // A place that frees up can be taken.
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth).expect(200);
      await t.http.post(`/v1/rooms/${room.id}/join`).set(users.carol.auth).expect(200);
    });

    it('refuses an archived room with 409 room_archived', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice);
      await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth).expect(200);
      const res = await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth);
      expectError(res, 409, 'room_archived');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toBeUndefined();
    });
  });

  describe('POST /v1/rooms/:roomId/leave', () => {
    it('lets a member leave (200): the list, the row, lastSeq, the event and the joined list agree', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      const res = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth);
      expectStatus(res, 200);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, status: 'left' }),
      );
      expect((await listParticipants(t, users.alice, room.id)).map((p) => p.profileId)).toEqual([
        users.alice.profileId,
      ]);
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'left',
      });
      expect((await getRoom(t, users.alice, room.id)).lastSeq).toBe(3);
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
        seq: 3,
        type: 'participant.left',
        data: res.body,
      });
      const joined = await t.http.get('/v1/rooms').set(users.bob.auth).expect(200);
      expect(joined.body.items).toEqual([]);
      // Leaving twice: no longer a participant.
      const again = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth);
      expectError(again, 403, 'not_a_participant');
    });

    it('hides a private room from whoever left it', async () => {
      const { users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']], {
        roomType: 'private',
      });
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth).expect(200);
      const again = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth);
      expectError(again, 404, 'room_not_found');
    });

    it('refuses the last owner while others are active (409 owner_must_transfer), an admin does not count', async () => {
      const { tenantId, users } = makeTenant('alice', 'adam', 'bob');
      const room = await roomWith(t, users.alice, [
        [users.adam, 'admin'],
        [users.bob, 'member'],
      ]);
      const res = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.alice.auth);
      expectError(res, 409, 'owner_must_transfer');
      expect(await participantRow(t, tenantId, room.id, users.alice.profileId)).toMatchObject({
        role: 'owner',
        status: 'active',
      });
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(3);
    });

    it('lets an owner leave once another owner exists', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      await setRole(t, users.alice, room.id, users.bob, 'owner');
      const res = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.alice.auth);
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ role: 'owner', status: 'left' });
      expect(await participantRows(t, tenantId, room.id)).toEqual(
        [
          { profile_id: users.alice.profileId, role: 'owner', status: 'left', is_muted: false },
          { profile_id: users.bob.profileId, role: 'owner', status: 'active', is_muted: false },
        ].sort((a, b) => a.profile_id.localeCompare(b.profile_id)),
      );
    });

    it('lets the only owner leave a room where nobody else is active', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice, { roomType: 'private' });
      const res = await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.alice.auth);
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ role: 'owner', status: 'left' });
      expect(await participantRows(t, tenantId, room.id)).toEqual([
        { profile_id: users.alice.profileId, role: 'owner', status: 'left', is_muted: false },
      ]);
    });

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const open = await createRoom(t, users.alice);
      const closed = await createRoom(t, users.alice, { roomType: 'private' });
      const res = await t.http.post(`/v1/rooms/${open.id}/leave`).set(users.bob.auth);
      expectError(res, 403, 'not_a_participant');
      const hidden = await t.http.post(`/v1/rooms/${closed.id}/leave`).set(users.bob.auth);
      expectError(hidden, 404, 'room_not_found');
      expect(await participantRow(t, tenantId, open.id, users.bob.profileId)).toBeUndefined();
    });
  });

  describe('the room event log', () => {
    it('numbers every change 1..N without gaps, and no-ops append nothing', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol', 'dave');
      const { alice, bob, carol, dave } = users;
      const room = await createRoom(t, alice); // 1 joined (alice)
      const path = `/v1/rooms/${room.id}`;
      const who = (u: User) => `${path}/participants/${encodeURIComponent(u.profileId)}`;
      await t.http.post(`${path}/join`).set(bob.auth).expect(200); // 2 joined (bob)
      await t.http.post(`${path}/join`).set(bob.auth).expect(200); // no-op
      await addMember(t, alice, room.id, carol); // 3 joined (carol)
      await t.http
        .post(`${path}/participants`)
        .set(alice.auth)
        .send({ profileId: carol.profileId })
        .expect(200); // no-op
      await t.http.patch(who(carol)).set(alice.auth).send({ role: 'admin' }).expect(200); // 4 updated
      await t.http.patch(path).set(carol.auth).send({ topic: 'News' }).expect(200); // 5 room.updated
      await t.http.post(`${path}/archive`).set(alice.auth).expect(200); // 6 room.updated
      await t.http.post(`${path}/archive`).set(alice.auth).expect(200); // no-op
      await t.http.post(`${path}/unarchive`).set(alice.auth).expect(200); // 7 room.updated
      await t.http.patch(who(bob)).set(bob.auth).send({ isMuted: true }).expect(200); // 8 updated
      await t.http.delete(who(bob)).set(carol.auth).expect(204); // 9 left (kicked)
      await t.http.post(`${path}/join`).set(dave.auth).expect(200); // 10 joined (dave)
      await t.http
        .delete(`${who(dave)}?ban=true`)
        .set(alice.auth)
        .expect(204); // 11 left (banned)
      await t.http
        .delete(`${who(dave)}?ban=true`)
        .set(alice.auth)
        .expect(204); // no-op
      await t.http.post(`${path}/leave`).set(carol.auth).expect(200); // 12 left
      const last = await t.http.post(`${path}/leave`).set(alice.auth).expect(200); // 13 left (alone)
      expect(last.body.status).toBe('left');

      const events = await roomEvents(t, tenantId, room.id);
      expect(events.map((e) => [e.seq, e.type, e.data.profileId ?? 'room', e.data.status])).toEqual(
        [
          [1, 'participant.joined', alice.profileId, 'active'],
          [2, 'participant.joined', bob.profileId, 'active'],
          [3, 'participant.joined', carol.profileId, 'active'],
          [4, 'participant.updated', carol.profileId, 'active'],
          [5, 'room.updated', 'room', 'active'],
          [6, 'room.updated', 'room', 'archived'],
          [7, 'room.updated', 'room', 'active'],
          [8, 'participant.updated', bob.profileId, 'active'],
          [9, 'participant.left', bob.profileId, 'kicked'],
          [10, 'participant.joined', dave.profileId, 'active'],
          [11, 'participant.left', dave.profileId, 'banned'],
          [12, 'participant.left', carol.profileId, 'left'],
          [13, 'participant.left', alice.profileId, 'left'],
        ],
      );
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(13);
      const [{ n }]: { n: number }[] = await db(t).query(
        `SELECT count(*)::int AS n FROM room_events WHERE tenant_id = $1 AND room_id = $2`,
        [tenantId, room.id],
      );
      expect(n).toBe(13);
      const elsewhere = makeTenant('zed');
      expect(await roomEvents(t, elsewhere.tenantId, room.id)).toEqual([]);
    });
  });
});
