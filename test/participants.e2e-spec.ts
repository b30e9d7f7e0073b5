import type { Test } from 'supertest';
import {
  addMember,
  createRoom,
  db,
  expectError,
  expectStatus,
  getRoom,
  inOtherTenant,
  listParticipants,
  ParticipantBody,
  participantRow,
  participantRows,
  participantShape,
  Role,
  roomEvents,
  roomWith,
  setRole,
  storedLastSeq,
  UNKNOWN_ROOM_ID,
  User,
} from './support/rooms';
import { makeTenant, startTestApp, TestApp } from './support/test-app';
import { newProfile, tokenFor } from './support/tokens';

describe('Participants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const base = (roomId: string) => `/v1/rooms/${roomId}/participants`;
  const one = (roomId: string, user: User | string) =>
    `${base(roomId)}/${encodeURIComponent(typeof user === 'string' ? user : user.profileId)}`;

  const add = (by: User, roomId: string, body: object) =>
    t.http.post(base(roomId)).set(by.auth).send(body);
  const patch = (by: User, roomId: string, who: User | string, body: object) =>
    t.http.patch(one(roomId, who)).set(by.auth).send(body);
  const remove = (by: User, roomId: string, who: User | string, query = '') =>
    t.http.delete(`${one(roomId, who)}${query}`).set(by.auth);

  /** The stored role and status of every participant, by profile id. */
  const stored = async (tenantId: string, roomId: string) =>
    Object.fromEntries(
      (await participantRows(t, tenantId, roomId)).map((r) => [
        r.profile_id,
        `${r.status} ${r.role}`,
      ]),
    );

  describe('every participants route', () => {
    type Call = (user: User | undefined, roomId: string, target: string) => Test;
    const withAuth = (req: Test, user?: User): Test => (user ? req.set(user.auth) : req);
    const routes: { route: string; call: Call }[] = [
      { route: 'GET', call: (u, id) => withAuth(t.http.get(base(id)), u) },
      {
        route: 'POST',
        call: (u, id, target) => withAuth(t.http.post(base(id)), u).send({ profileId: target }),
      },
      {
        route: 'PATCH',
        call: (u, id, target) => withAuth(t.http.patch(one(id, target)), u).send({ role: 'admin' }),
      },
      { route: 'DELETE', call: (u, id, target) => withAuth(t.http.delete(one(id, target)), u) },
    ];

    it.each(routes)('$route: 401 unauthorized without a token', async ({ call }) => {
      const { users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectError(await call(undefined, room.id, users.bob.profileId), 401, 'unauthorized');
      expect(await storedLastSeq(t, room.tenantId, room.id)).toBe(2);
    });

    it.each(routes)('$route: 400 invalid_id for a malformed room id', async ({ call }) => {
      const { users } = makeTenant('alice', 'bob');
      for (const bad of ['nope', '42', `${UNKNOWN_ROOM_ID}0`]) {
        expectError(await call(users.alice, bad, users.bob.profileId), 400, 'invalid_id');
      }
    });

    it.each(routes)('$route: 404 room_not_found for an unknown room', async ({ call }) => {
      const { users } = makeTenant('alice', 'bob');
      expectError(
        await call(users.alice, UNKNOWN_ROOM_ID, users.bob.profileId),
        404,
        'room_not_found',
      );
    });

    it.each(routes)(
      '$route: 404 room_not_found for the other tenant, public or private, and nothing changes',
      async ({ call }) => {
        const { tenantId, users } = makeTenant('alice', 'bob');
        const outsider = inOtherTenant(users.alice);
        for (const roomType of ['public', 'private']) {
          const room = await roomWith(t, users.alice, [[users.bob, 'member']], { roomType });
          const before = await stored(tenantId, room.id);
          expectError(await call(outsider, room.id, users.bob.profileId), 404, 'room_not_found');
          expect(await stored(tenantId, room.id)).toEqual(before);
          expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
        }
      },
    );
  });

  describe('GET /v1/rooms/:roomId/participants', () => {
    it('lists the active participants only, by profile id, in the full shape', async () => {
      const { users } = makeTenant('alice', 'bob', 'carol', 'dave', 'erin');
      const { alice, bob, carol, dave, erin } = users;
      const room = await roomWith(t, alice, [
        [bob, 'admin'],
        [carol, 'viewer'],
        [dave, 'member'],
        [erin, 'member'],
      ]);
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(dave.auth).expect(200);
      await remove(alice, room.id, erin, '?ban=true').expect(204);

      const res = await t.http.get(base(room.id)).set(carol.auth);
      expectStatus(res, 200);
      const expected = [
        [alice, 'owner'],
        [bob, 'admin'],
        [carol, 'viewer'],
      ] as const;
      expect(res.body).toEqual({
        items: expected
          .map(([u, role]) => participantShape({ roomId: room.id, profileId: u.profileId, role }))
          .sort((a, b) => (a.profileId < b.profileId ? -1 : 1)),
        hasMore: false,
      });
    });

    it('pages with limit and after', async () => {
      const { users } = makeTenant('alice', 'bob', 'carol', 'dave');
      const { alice, bob, carol, dave } = users;
      const room = await roomWith(t, alice, [
        [bob, 'member'],
        [carol, 'member'],
        [dave, 'member'],
      ]);
      const all = [alice, bob, carol, dave].map((u) => u.profileId).sort();
      const first = await t.http.get(`${base(room.id)}?limit=3`).set(bob.auth);
      expectStatus(first, 200);
      expect(first.body.hasMore).toBe(true);
      expect(first.body.items.map((p: ParticipantBody) => p.profileId)).toEqual(all.slice(0, 3));
      const after = encodeURIComponent(all[2]);
      const second = await t.http.get(`${base(room.id)}?limit=3&after=${after}`).set(bob.auth);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ profileId: all[3] })],
        hasMore: false,
      });
    });

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { users } = makeTenant('alice', 'bob');
      const open = await createRoom(t, users.alice);
      const closed = await createRoom(t, users.alice, { roomType: 'private' });
      expectError(await t.http.get(base(open.id)).set(users.bob.auth), 403, 'not_a_participant');
      expectError(await t.http.get(base(closed.id)).set(users.bob.auth), 404, 'room_not_found');
    });

    it.each([
      ['limit over 200', '?limit=201'],
      ['limit 0', '?limit=0'],
      ['a non-numeric limit', '?limit=many'],
      ['an after over 128 characters', `?after=${'x'.repeat(129)}`],
      ['an unknown query parameter', '?status=banned'],
    ])('refuses %s with 400 validation_failed', async (_case, query) => {
      const { users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      expectError(
        await t.http.get(`${base(room.id)}${query}`).set(users.alice.auth),
        400,
        'validation_failed',
      );
    });
  });

  describe('POST /v1/rooms/:roomId/participants', () => {
    it('lets the owner add a member (201): the body, the list, the row, lastSeq and the event agree', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice, { roomType: 'private' });
      const res = await add(users.alice, room.id, { profileId: users.bob.profileId });
      expectStatus(res, 201);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, role: 'member' }),
      );
      expect(await listParticipants(t, users.bob, room.id)).toContainEqual(res.body);
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toEqual({
        profile_id: users.bob.profileId,
        role: 'member',
        status: 'active',
        is_muted: false,
      });
      expect((await getRoom(t, users.bob, room.id)).lastSeq).toBe(2);
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
        seq: 2,
        type: 'participant.joined',
        data: res.body,
      });
    });

    it.each<[Role, Role]>([
      ['owner', 'admin'],
      ['owner', 'member'],
      ['owner', 'viewer'],
      ['admin', 'member'],
      ['admin', 'viewer'],
    ])('lets an %s add a %s (201)', async (actorRole, role) => {
      const { tenantId, users } = makeTenant('alice', 'adam', 'bob');
      const room = await roomWith(t, users.alice, [[users.adam, 'admin']]);
      const by = actorRole === 'owner' ? users.alice : users.adam;
      const res = await add(by, room.id, { profileId: users.bob.profileId, role });
      expectStatus(res, 201);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, role }),
      );
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        role,
        status: 'active',
      });
    });

    it.each<[Role, Role]>([
      ['owner', 'owner'],
      ['admin', 'owner'],
      ['admin', 'admin'],
      ['member', 'member'],
      ['member', 'viewer'],
      ['viewer', 'member'],
    ])(
      'refuses an %s adding a %s with 403 forbidden_role and stores nothing',
      async (actorRole, role) => {
        const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
        const room =
          actorRole === 'owner'
            ? await createRoom(t, users.alice)
            : await roomWith(t, users.alice, [[users.bob, actorRole]]);
        const by = actorRole === 'owner' ? users.alice : users.bob;
        const res = await add(by, room.id, { profileId: users.carol.profileId, role });
        expectError(res, 403, 'forbidden_role');
        expect(await participantRow(t, tenantId, room.id, users.carol.profileId)).toBeUndefined();
      },
    );

    it('answers 200 with the unchanged participant when the profile is active already', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'viewer']]);
      const res = await add(users.alice, room.id, {
        profileId: users.bob.profileId,
        role: 'admin',
      });
      expectStatus(res, 200);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, role: 'viewer' }),
      );
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
    });

    it('re-activates a banned profile (200, the ban is lifted) and a kicked one, then they can read', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const room = await roomWith(
        t,
        users.alice,
        [
          [users.bob, 'member'],
          [users.carol, 'admin'],
        ],
        { roomType: 'private' },
      );
      await remove(users.alice, room.id, users.bob, '?ban=true').expect(204);
      await remove(users.alice, room.id, users.carol).expect(204);

      for (const [user, role, active] of [
        [users.bob, 'viewer', 2],
        [users.carol, 'member', 3],
      ] as const) {
        const res = await add(users.alice, room.id, { profileId: user.profileId, role });
        expectStatus(res, 200);
        expect(res.body).toEqual(
          participantShape({ roomId: room.id, profileId: user.profileId, role }),
        );
        expect(await participantRow(t, tenantId, room.id, user.profileId)).toMatchObject({
          status: 'active',
          role,
        });
        expect(await listParticipants(t, user, room.id)).toHaveLength(active);
      }
    });

    it('refuses when the room is full with 409 room_full', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const room = await createRoom(t, users.alice, { maxParticipants: 2 });
      await addMember(t, users.alice, room.id, users.bob);
      const res = await add(users.alice, room.id, { profileId: users.carol.profileId });
      expectError(res, 409, 'room_full');
      expect(await participantRow(t, tenantId, room.id, users.carol.profileId)).toBeUndefined();
    });

    it('refuses an archived room with 409 room_archived', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await createRoom(t, users.alice);
      await t.http.post(`/v1/rooms/${room.id}/archive`).set(users.alice.auth).expect(200);
      const res = await add(users.alice, room.id, { profileId: users.bob.profileId });
      expectError(res, 409, 'room_archived');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toBeUndefined();
    });

    it('refuses a dm room with 400 invalid_room_type', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const dm = await t.http.post('/v1/dms').set(users.alice.auth).send({
        profileId: users.bob.profileId,
      });
      expectStatus(dm, 201);
      const res = await add(users.alice, dm.body.id, { profileId: users.carol.profileId });
      expectError(res, 400, 'invalid_room_type');
      expect(await participantRow(t, tenantId, dm.body.id, users.carol.profileId)).toBeUndefined();
    });

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const open = await createRoom(t, users.alice);
      const closed = await createRoom(t, users.alice, { roomType: 'private' });
      const body = { profileId: users.carol.profileId };
      expectError(await add(users.bob, open.id, body), 403, 'not_a_participant');
      expectError(await add(users.bob, closed.id, body), 404, 'room_not_found');
      // Adding oneself to a private room is no way in either.
      const self = await add(users.bob, closed.id, { profileId: users.bob.profileId });
      expectError(self, 404, 'room_not_found');
      expect(await participantRows(t, tenantId, closed.id)).toHaveLength(1);
      expect(await participantRows(t, tenantId, open.id)).toHaveLength(1);
    });

    it.each<[string, object]>([
      ['no profileId', {}],
      ['an empty profileId', { profileId: '' }],
      ['a numeric profileId', { profileId: 42 }],
      ['a profileId over 128 characters', { profileId: 'p'.repeat(129) }],
      ['a profileId with a control character', { profileId: 'bob\u0000' }],
      ['a reserved agent: profileId', { profileId: 'agent:echo' }],
      ['an unknown role', { profileId: 'zoe', role: 'superuser' }],
      ['a numeric role', { profileId: 'zoe', role: 1 }],
      ['an unknown field', { profileId: 'zoe', status: 'active' }],
      ['a tenantId field', { profileId: 'zoe', tenantId: 't-other' }],
    ])('refuses %s with 400 validation_failed and stores nothing', async (_case, body) => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      expectError(await add(users.alice, room.id, body), 400, 'validation_failed');
      expect(await participantRows(t, tenantId, room.id)).toHaveLength(1);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(1);
    });
  });

  describe('PATCH /v1/rooms/:roomId/participants/:profileId', () => {
    it('lets the owner change a role (200): the body, the list, lastSeq and the event agree', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      const res = await patch(users.alice, room.id, users.bob, { role: 'admin' });
      expectStatus(res, 200);
      expect(res.body).toEqual(
        participantShape({ roomId: room.id, profileId: users.bob.profileId, role: 'admin' }),
      );
      expect(await listParticipants(t, users.alice, room.id)).toContainEqual(res.body);
      expect((await getRoom(t, users.alice, room.id)).lastSeq).toBe(3);
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
        seq: 3,
        type: 'participant.updated',
        data: res.body,
      });
      // The admin may now manage the room.
      await t.http
        .patch(`/v1/rooms/${room.id}`)
        .set(users.bob.auth)
        .send({ topic: 'x' })
        .expect(200);
    });

    it('lets the owner grant owner, after which the first owner may step down', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      await setRole(t, users.alice, room.id, users.bob, 'owner');
      const res = await patch(users.alice, room.id, users.alice, { role: 'member' });
      expectStatus(res, 200);
      expect(res.body.role).toBe('member');
      expect(await stored(tenantId, room.id)).toEqual({
        [users.alice.profileId]: 'active member',
        [users.bob.profileId]: 'active owner',
      });
    });

    it.each([
      ['with others in the room', true],
      ['alone in the room', false],
    ])(
      'refuses the last owner stepping down %s with 409 owner_must_transfer',
      async (_c, others) => {
        const { tenantId, users } = makeTenant('alice', 'bob');
        const room = await roomWith(t, users.alice, others ? [[users.bob, 'admin']] : []);
        const res = await patch(users.alice, room.id, users.alice, { role: 'admin' });
        expectError(res, 409, 'owner_must_transfer');
        expect(await participantRow(t, tenantId, room.id, users.alice.profileId)).toMatchObject({
          role: 'owner',
          status: 'active',
        });
      },
    );

    it.each<[Role, Role, Role]>([
      ['admin', 'member', 'admin'],
      ['admin', 'member', 'viewer'],
      ['admin', 'admin', 'member'],
      ['member', 'member', 'admin'],
      ['viewer', 'viewer', 'member'],
      ['admin', 'owner', 'member'],
    ])(
      'refuses an %s changing the role of a %s to %s with 403 forbidden_role',
      async (actorRole, targetRole, role) => {
        const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
        const room = await roomWith(t, users.alice, [
          [users.bob, actorRole],
          [users.carol, targetRole],
        ]);
        const before = await stored(tenantId, room.id);
        const res = await patch(users.bob, room.id, users.carol, { role });
        expectError(res, 403, 'forbidden_role');
        expect(await stored(tenantId, room.id)).toEqual(before);
      },
    );

    it.each(['admin', 'member'] as const)(
      'refuses a %s sending a role, even the current one, or promoting itself (403)',
      async (actorRole) => {
        const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
        const room = await roomWith(t, users.alice, [
          [users.bob, actorRole],
          [users.carol, 'member'],
        ]);
        const seq = await storedLastSeq(t, tenantId, room.id);
        const same = await patch(users.bob, room.id, users.carol, { role: 'member' });
        expectError(same, 403, 'forbidden_role');
        const self = await patch(users.bob, room.id, users.bob, { role: 'owner' });
        expectError(self, 403, 'forbidden_role');
        expect(await storedLastSeq(t, tenantId, room.id)).toBe(seq);
      },
    );

    it.each(['owner', 'admin', 'member', 'viewer'] as const)(
      'lets a %s mute and unmute itself, stored and announced',
      async (role) => {
        const { tenantId, users } = makeTenant('alice', 'bob');
        const room = await roomWith(t, users.alice, role === 'owner' ? [] : [[users.bob, role]]);
        const me = role === 'owner' ? users.alice : users.bob;
        const seq = await storedLastSeq(t, tenantId, room.id);
        const res = await patch(me, room.id, me, { isMuted: true });
        expectStatus(res, 200);
        expect(res.body).toEqual(
          participantShape({ roomId: room.id, profileId: me.profileId, role, isMuted: true }),
        );
        expect(await participantRow(t, tenantId, room.id, me.profileId)).toMatchObject({
          is_muted: true,
        });
        expect((await roomEvents(t, tenantId, room.id)).at(-1)).toEqual({
          seq: seq + 1,
          type: 'participant.updated',
          data: res.body,
        });
        const again = await patch(me, room.id, me, { isMuted: true });
        expect(again.body).toEqual(res.body);
        expect(await storedLastSeq(t, tenantId, room.id)).toBe(seq + 1);
        const off = await patch(me, room.id, me, { isMuted: false });
        expect(off.body.isMuted).toBe(false);
        expect(await storedLastSeq(t, tenantId, room.id)).toBe(seq + 2);
      },
    );

    it('refuses muting somebody else with 403 forbidden_role, even for the owner', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectError(
        await patch(users.alice, room.id, users.bob, { isMuted: true }),
        403,
        'forbidden_role',
      );
      expectError(
        await patch(users.bob, room.id, users.alice, { isMuted: true }),
        403,
        'forbidden_role',
      );
      expect((await participantRows(t, tenantId, room.id)).map((r) => r.is_muted)).toEqual([
        false,
        false,
      ]);
    });

    it('answers 404 participant_not_found for a profile that is not active in the room', async () => {
      const { users } = makeTenant('alice', 'bob', 'carol');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth).expect(200);
      for (const who of [users.bob, users.carol]) {
        const res = await patch(users.alice, room.id, who, { role: 'admin' });
        expectError(res, 404, 'participant_not_found');
      }
    });

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { users } = makeTenant('alice', 'bob');
      const open = await createRoom(t, users.alice);
      const closed = await createRoom(t, users.alice, { roomType: 'private' });
      const body = { isMuted: true };
      expectError(await patch(users.bob, open.id, users.bob, body), 403, 'not_a_participant');
      expectError(await patch(users.bob, closed.id, users.bob, body), 404, 'room_not_found');
    });

    it.each<[string, object]>([
      ['an unknown role', { role: 'god' }],
      ['a non-boolean isMuted', { isMuted: 'yes' }],
      ['an unknown field', { status: 'banned' }],
      ['a profileId field', { profileId: 'someone-else' }],
    ])('refuses %s with 400 validation_failed and changes nothing', async (_case, body) => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectError(await patch(users.alice, room.id, users.bob, body), 400, 'validation_failed');
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(2);
    });
  });

  describe('DELETE /v1/rooms/:roomId/participants/:profileId', () => {
    it('removes oneself as a leave (204)', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'admin']]);
      const res = await remove(users.bob, room.id, users.bob);
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'left',
      });
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toMatchObject({
        seq: 3,
        type: 'participant.left',
        data: { profileId: users.bob.profileId, status: 'left' },
      });
      // The last owner leaving this way is refused like POST /leave.
      await add(users.alice, room.id, { profileId: users.bob.profileId }).expect(200);
      expectError(await remove(users.alice, room.id, users.alice), 409, 'owner_must_transfer');
    });

    it('kicks (204): the kicked profile loses a private room (404) and the participants of a public one (403)', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const closed = await roomWith(t, users.alice, [[users.bob, 'member']], {
        roomType: 'private',
      });
      const open = await roomWith(t, users.alice, [[users.bob, 'member']]);
      for (const room of [closed, open]) {
        expectStatus(await remove(users.alice, room.id, users.bob), 204);
        expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
          status: 'kicked',
        });
        expect((await listParticipants(t, users.alice, room.id)).map((p) => p.profileId)).toEqual([
          users.alice.profileId,
        ]);
        expect((await roomEvents(t, tenantId, room.id)).at(-1)).toMatchObject({
          seq: 3,
          type: 'participant.left',
          data: { profileId: users.bob.profileId, status: 'kicked' },
        });
      }
      expectError(
        await t.http.get(`/v1/rooms/${closed.id}`).set(users.bob.auth),
        404,
        'room_not_found',
      );
      expectError(await t.http.get(base(closed.id)).set(users.bob.auth), 404, 'room_not_found');
      expect((await getRoom(t, users.bob, open.id)).id).toBe(open.id);
      expectError(await t.http.get(base(open.id)).set(users.bob.auth), 403, 'not_a_participant');
      // Kicking the same profile again: it is no longer there.
      expectError(await remove(users.alice, open.id, users.bob), 404, 'participant_not_found');
    });

    it('bans with ?ban=true: the banned profile cannot join again until re-added', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectStatus(await remove(users.alice, room.id, users.bob, '?ban=true'), 204);
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'banned',
      });
      expect((await roomEvents(t, tenantId, room.id)).at(-1)).toMatchObject({
        seq: 3,
        type: 'participant.left',
        data: { status: 'banned' },
      });
      expectError(
        await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth),
        403,
        'participant_banned',
      );
      // Banning again is a no-op.
      expectStatus(await remove(users.alice, room.id, users.bob, '?ban=true'), 204);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(3);
      await add(users.alice, room.id, { profileId: users.bob.profileId }).expect(200);
      await t.http.post(`/v1/rooms/${room.id}/join`).set(users.bob.auth).expect(200);
    });

    it('bans a profile that had already left', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      await t.http.post(`/v1/rooms/${room.id}/leave`).set(users.bob.auth).expect(200);
      expectStatus(await remove(users.alice, room.id, users.bob, '?ban=true'), 204);
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'banned',
      });
    });

    it.each<[Role, Role]>([
      ['owner', 'owner'],
      ['owner', 'admin'],
      ['owner', 'member'],
      ['owner', 'viewer'],
      ['admin', 'member'],
      ['admin', 'viewer'],
    ])('lets an %s kick a %s', async (actorRole, targetRole) => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const room = await roomWith(t, users.alice, [
        [users.bob, actorRole],
        [users.carol, targetRole],
      ]);
      expectStatus(await remove(users.bob, room.id, users.carol), 204);
      expect(await participantRow(t, tenantId, room.id, users.carol.profileId)).toMatchObject({
        status: 'kicked',
        role: targetRole,
      });
    });

    it.each<[Role, Role, string]>([
      ['admin', 'admin', ''],
      ['admin', 'owner', ''],
      ['admin', 'admin', '?ban=true'],
      ['member', 'member', ''],
      ['member', 'viewer', '?ban=true'],
      ['viewer', 'member', ''],
    ])(
      'refuses an %s removing a %s%s with 403 forbidden_role',
      async (actorRole, targetRole, q) => {
        const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
        const room = await roomWith(t, users.alice, [
          [users.bob, actorRole],
          [users.carol, targetRole],
        ]);
        const before = await stored(tenantId, room.id);
        expectError(await remove(users.bob, room.id, users.carol, q), 403, 'forbidden_role');
        expect(await stored(tenantId, room.id)).toEqual(before);
      },
    );

    it('refuses banning oneself with 403 forbidden_role', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectError(await remove(users.bob, room.id, users.bob, '?ban=true'), 403, 'forbidden_role');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'active',
      });
    });

    it('answers 404 participant_not_found for a profile that was never in the room', async () => {
      const { users } = makeTenant('alice');
      const room = await createRoom(t, users.alice);
      expectError(
        await remove(users.alice, room.id, newProfile('ghost')),
        404,
        'participant_not_found',
      );
    });

    it('refuses a dm room with 400 invalid_room_type', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const dm = await t.http.post('/v1/dms').set(users.alice.auth).send({
        profileId: users.bob.profileId,
      });
      expectError(await remove(users.alice, dm.body.id, users.bob), 400, 'invalid_room_type');
      expect(await participantRow(t, tenantId, dm.body.id, users.bob.profileId)).toMatchObject({
        status: 'active',
      });
    });

    it('refuses a non-participant: 403 not_a_participant on a public room, 404 on a private one', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob', 'carol');
      const open = await roomWith(t, users.alice, [[users.carol, 'member']]);
      const closed = await roomWith(t, users.alice, [[users.carol, 'member']], {
        roomType: 'private',
      });
      expectError(await remove(users.bob, open.id, users.carol), 403, 'not_a_participant');
      expectError(await remove(users.bob, closed.id, users.carol), 404, 'room_not_found');
      for (const room of [open, closed]) {
        expect(await participantRow(t, tenantId, room.id, users.carol.profileId)).toMatchObject({
          status: 'active',
        });
      }
    });

    it.each([
      ['a ban that is not a boolean', '?ban=yes'],
      ['an unknown query parameter', '?ban=true&forever=true'],
    ])('refuses %s with 400 validation_failed', async (_case, query) => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const room = await roomWith(t, users.alice, [[users.bob, 'member']]);
      expectError(await remove(users.alice, room.id, users.bob, query), 400, 'validation_failed');
      expect(await participantRow(t, tenantId, room.id, users.bob.profileId)).toMatchObject({
        status: 'active',
      });
    });
  });

  describe('concurrency', () => {
    it('20 parallel joins of a room for 5 admit exactly 4 besides the owner', async () => {
      const { tenantId, users } = makeTenant('alice');
      const room = await createRoom(t, users.alice, { maxParticipants: 5 });
      const joiners = Array.from({ length: 20 }, () => {
        const token = tokenFor(tenantId, newProfile('joiner'));
        return { Authorization: `Bearer ${token}` };
      });
      const results = await Promise.all(
        joiners.map((auth) => t.http.post(`/v1/rooms/${room.id}/join`).set(auth)),
      );
      const tally: Record<string, number> = {};
      for (const r of results) {
        const outcome = `${r.status} ${r.body.error ?? r.body.status}`;
        tally[outcome] = (tally[outcome] ?? 0) + 1;
      }
      expect(tally).toEqual({ '200 active': 4, '409 room_full': 16 });

      const [{ n }]: { n: number }[] = await db(t).query(
        `SELECT count(*)::int AS n FROM chat_participants
          WHERE tenant_id = $1 AND room_id = $2 AND status = 'active'`,
        [tenantId, room.id],
      );
      expect(n).toBe(5);
      expect(await listParticipants(t, users.alice, room.id)).toHaveLength(5);
      const events = await roomEvents(t, tenantId, room.id);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await storedLastSeq(t, tenantId, room.id)).toBe(5);
    });
  });
});
