import {
  db,
  expectError,
  expectStatus,
  getRoom,
  inOtherTenant,
  listParticipants,
  participantRows,
  participantShape,
  RoomBody,
  roomCount,
  roomEvents,
  roomShape,
  storedLastSeq,
  User,
} from './support/rooms';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

describe('Direct messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const openDm = (by: User, other: User | string) =>
    t.http
      .post('/v1/dms')
      .set(by.auth)
      .send({ profileId: typeof other === 'string' ? other : other.profileId });

  const dmRows = async (tenantId: string) =>
    db(t).query(
      `SELECT id, room_type, dm_key FROM chat_rooms WHERE tenant_id = $1 AND dm_key IS NOT NULL`,
      [tenantId],
    ) as Promise<{ id: string; room_type: string; dm_key: string }[]>;

  const memberRows = (...users: User[]) =>
    users
      .map((u) => ({ profile_id: u.profileId, role: 'member', status: 'active', is_muted: false }))
      .sort((a, b) => (a.profile_id < b.profile_id ? -1 : 1));

  describe('POST /v1/dms', () => {
    it('makes the DM (201), then answers the same room (200) in either order', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const made = await openDm(alice, bob);
      expectStatus(made, 201);
      const room = made.body as RoomBody;
      expect(room).toEqual(
        roomShape({
          tenantId,
          roomType: 'dm',
          maxParticipants: 2,
          createdByProfileId: alice.profileId,
          lastSeq: 2,
        }),
      );

      for (const [by, other] of [
        [bob, alice],
        [alice, bob],
      ]) {
        const again = await openDm(by, other);
        expectStatus(again, 200);
        expect(again.body).toEqual(room);
      }
      expect(await getRoom(t, bob, room.id)).toEqual(room);
      expect(await dmRows(tenantId)).toEqual([
        { id: room.id, room_type: 'dm', dm_key: expect.stringContaining(alice.profileId) },
      ]);
    });

    it('makes both sides active members, with one participant.joined each, and lists it for both', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const room = (await openDm(alice, bob).expect(201)).body as RoomBody;

      expect(await participantRows(t, tenantId, room.id)).toEqual(memberRows(alice, bob));
      const listed = await listParticipants(t, bob, room.id);
      expect(listed).toEqual(
        [alice, bob]
          .map((u) => participantShape({ roomId: room.id, profileId: u.profileId }))
          .sort((a, b) => (a.profileId < b.profileId ? -1 : 1)),
      );
      const events = await roomEvents(t, tenantId, room.id);
      expect(events.map((e) => [e.seq, e.type, e.data.profileId]).sort()).toEqual(
        [
          [1, 'participant.joined', alice.profileId],
          [2, 'participant.joined', bob.profileId],
        ].sort(),
      );
      for (const user of [alice, bob]) {
        const res = await t.http.get('/v1/rooms').set(user.auth);
        expectStatus(res, 200);
        expect(res.body.items).toEqual([{ ...room, myRole: 'member', unreadCount: 0 }]);
      }
    });

    it('brings back a side that left, in the same room (200)', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const room = (await openDm(alice, bob).expect(201)).body as RoomBody;
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(bob.auth).expect(200);
      expectError(await t.http.get(`/v1/rooms/${room.id}`).set(bob.auth), 404, 'room_not_found');

      const again = await openDm(alice, bob);
      expectStatus(again, 200);
      expect(again.body).toEqual({ ...room, lastSeq: 4, updatedAt: expect.any(String) });
      expect(await participantRows(t, tenantId, room.id)).toEqual(memberRows(alice, bob));
      expect((await roomEvents(t, tenantId, room.id)).map((e) => e.type)).toEqual([
        'participant.joined',
        'participant.joined',
        'participant.left',
        'participant.joined',
      ]);
      // Opening it again with both sides active changes nothing.
      await openDm(bob, alice).expect(200);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(4);
    });

    it('keeps pairs apart: another pair gets another room, a third profile cannot see the DM', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const { alice, bob, carol } = users;
      const ab = (await openDm(alice, bob).expect(201)).body as RoomBody;
      const ac = (await openDm(carol, alice).expect(201)).body as RoomBody;
      expect(ac.id).not.toBe(ab.id);
      expect((await dmRows(tenantId)).map((r) => r.id).sort()).toEqual([ab.id, ac.id].sort());

      expectError(await t.http.get(`/v1/rooms/${ab.id}`).set(carol.auth), 404, 'room_not_found');
      expectError(
        await t.http.get(`/v1/rooms/${ab.id}/participants`).set(carol.auth),
        404,
        'room_not_found',
      );
      expectError(
        await t.http.post(`/v1/rooms/${ab.id}/join`).set(carol.auth),
        404,
        'room_not_found',
      );
      expect(await participantRows(t, tenantId, ab.id)).toHaveLength(2);
    });

    it('keeps tenants apart: the same profile ids in another tenant get their own DM, and 404 on this one', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = (await openDm(users.alice, users.bob).expect(201)).body as RoomBody;
      const outsider = inOtherTenant(users.alice);

      const theirs = await openDm(outsider, users.bob);
      expectStatus(theirs, 201);
      expect(theirs.body.id).not.toBe(room.id);
      expect(theirs.body.tenantId).not.toBe(tenantId);
      for (const path of ['', '/participants']) {
        const res = await t.http.get(`/v1/rooms/${room.id}${path}`).set(outsider.auth);
        expectError(res, 404, 'room_not_found');
      }
      expect(await dmRows(tenantId)).toHaveLength(1);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
    });

    it('is a room for two: joining is a 404 and archiving a 403 even for its members', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = (await openDm(users.alice, users.bob).expect(201)).body as RoomBody;
      expectError(
        await t.http.post(`/v1/rooms/${room.id}/join`).set(users.alice.auth),
        404,
        'room_not_found',
      );
      expectError(
        await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.bob.auth),
        403,
        'forbidden_role',
      );
      expect(await getRoom(t, users.alice, room.id)).toEqual(room);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
    });

    it('refuses a DM with oneself with 400 validation_failed and stores nothing', async () => {
      const { tenantId, users } = makeTenant('alice');
      expectError(await openDm(users.alice, users.alice), 400, 'validation_failed');
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it.each<[string, object]>([
      ['no profileId', {}],
      ['an empty profileId', { profileId: '' }],
      ['a numeric profileId', { profileId: 7 }],
      ['a profileId over 128 characters', { profileId: 'p'.repeat(129) }],
      ['a profileId with a control character', { profileId: 'bob\n' }],
      ['a reserved agent: profileId', { profileId: 'agent:echo' }],
      ['an unknown field', { profileId: 'bob', name: 'Us' }],
      ['a tenantId field', { profileId: 'bob', tenantId: 't-other' }],
    ])('refuses %s with 400 validation_failed and stores nothing', async (_case, body) => {
      const { tenantId, users } = makeTenant('alice');
      const res = await t.http.post('/v1/dms').set(users.alice.auth).send(body);
      expectError(res, 400, 'validation_failed');
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.post('/v1/dms').send({ profileId: 'bob' }), 401, 'unauthorized');
    });
  });

  describe('concurrency', () => {
    it('20 parallel opens of one pair, 10 in each order, meet on one room', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const { alice, bob } = users;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? openDm(alice, bob) : openDm(bob, alice))),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array<number>(19).fill(200), 201]);
      const ids = new Set(results.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const [id] = ids;

      expect(await dmRows(tenantId)).toEqual([
        { id, room_type: 'dm', dm_key: expect.stringContaining(bob.profileId) },
      ]);
      expect(await roomCount(t, tenantId)).toBe(1);
      expect(await participantRows(t, tenantId, id)).toEqual(memberRows(alice, bob));
      expect((await roomEvents(t, tenantId, id)).map((e) => e.seq)).toEqual([1, 2]);
    });
  });
});
