import {
  insertThread,
  MessageBody,
  messageUrl,
  reactionRows,
  reactionUrl,
  sendMessage,
  roomWithEveryRole,
} from './support/messages';
import {
  db,
  expectError,
  expectStatus,
  inOtherTenant,
  roomEvents,
  roomWith,
  setRole,
  storedLastSeq,
  User,
} from './support/rooms';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const setup = (roomType: 'public' | 'private' = 'private') => roomWithEveryRole(t, roomType);

const react = (user: User, roomId: string, messageId: string, emoji: string) =>
  t.http.put(reactionUrl(roomId, messageId, emoji)).set(user.auth);
const unreact = (user: User, roomId: string, messageId: string, emoji: string) =>
  t.http.delete(reactionUrl(roomId, messageId, emoji)).set(user.auth);

describe('reactions', () => {
  it('adds a reaction with 201, answers a repeat with 200 and keeps one row and one event', async () => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.alice, roomId, 'nice');
    const reaction = { messageId: message.id, emoji: '👍', profileId: users.bob.profileId };

    const first = await react(users.bob, roomId, message.id, '👍');
    const again = await react(users.bob, roomId, message.id, '👍');

    expectStatus(first, 201);
    expect(first.body).toEqual(reaction);
    expectStatus(again, 200);
    expect(again.body).toEqual(reaction);
    expect(await reactionRows(t, tenantId, message.id)).toEqual([
      { profile_id: users.bob.profileId, emoji: '👍' },
    ]);
    const added = (await roomEvents(t, tenantId, roomId)).filter(
      (e) => e.type === 'reaction.added',
    );
    expect(added).toEqual([
      { seq: await storedLastSeq(t, tenantId, roomId), type: 'reaction.added', data: reaction },
    ]);
  });

  it.each(['🏳️‍🌈', 'plus_one', '👍🏽', 'a'.repeat(64)])('accepts the emoji %s', async (emoji) => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.alice, roomId, 'x');

    const res = await react(users.bob, roomId, message.id, emoji);

    expectStatus(res, 201);
    expect(res.body.emoji).toBe(emoji);
    expect(await reactionRows(t, tenantId, message.id)).toEqual([
      { profile_id: users.bob.profileId, emoji },
    ]);
  });

  it.each([
    ['65 characters', 'a'.repeat(65)],
    ['a leading space', ' a'],
    ['a space inside', 'a b'],
    ['a newline', '\n'],
    ['a NUL', '\u0000'],
    ['a bell', '\u0007'],
  ])('refuses an emoji with %s (400) and stores nothing', async (_name, emoji) => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.alice, roomId, 'x');
    const before = await storedLastSeq(t, tenantId, roomId);

    const res = await react(users.bob, roomId, message.id, emoji);
    const removal = await unreact(users.bob, roomId, message.id, emoji);

    expectError(res, 400, 'validation_failed');
    expectError(removal, 400, 'validation_failed');
    expect(await reactionRows(t, tenantId, message.id)).toEqual([]);
    expect(await storedLastSeq(t, tenantId, roomId)).toBe(before);
  });

  it('removes only the actor’s own reaction', async () => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.owner, roomId, 'x');
    expectStatus(await react(users.alice, roomId, message.id, '👍'), 201);
    expectStatus(await react(users.bob, roomId, message.id, '👍'), 201);
    expectStatus(await react(users.alice, roomId, message.id, '🎉'), 201);

    const mine = await unreact(users.bob, roomId, message.id, '👍');
    const notMine = await unreact(users.bob, roomId, message.id, '🎉');

    expectStatus(mine, 204);
    expectStatus(notMine, 204);
    expect(await reactionRows(t, tenantId, message.id)).toEqual(
      [
        { profile_id: users.alice.profileId, emoji: '👍' },
        { profile_id: users.alice.profileId, emoji: '🎉' },
      ].sort((a, b) => (a.emoji < b.emoji ? -1 : 1)),
    );
    const removed = (await roomEvents(t, tenantId, roomId)).filter(
      (e) => e.type === 'reaction.removed',
    );
    expect(removed).toEqual([
      {
        seq: await storedLastSeq(t, tenantId, roomId),
        type: 'reaction.removed',
        data: { messageId: message.id, emoji: '👍', profileId: users.bob.profileId },
      },
    ]);
  });

  it('shows [{emoji, count, me}] per actor on the message and in the timeline', async () => {
    const { users, roomId } = await setup();
    const message = await sendMessage(t, users.owner, roomId, 'x');
    const other = await sendMessage(t, users.owner, roomId, 'y');
    await react(users.alice, roomId, message.id, '👍');
    await react(users.bob, roomId, message.id, '👍');
    await react(users.alice, roomId, message.id, '🎉');

    const reactionsFor = async (user: User) => {
      const one = await t.http.get(messageUrl(roomId, message.id)).set(user.auth);
      expectStatus(one, 200);
      const list = await t.http.get(`/v1/rooms/${roomId}/messages`).set(user.auth);
      expectStatus(list, 200);
      const items = list.body.items as MessageBody[];
      expect(items.find((m) => m.id === other.id)!.reactions).toEqual([]);
      expect(items.find((m) => m.id === message.id)!.reactions).toEqual(one.body.reactions);
      return [...(one.body as MessageBody).reactions].sort((a, b) => (a.emoji < b.emoji ? -1 : 1));
    };

    expect(await reactionsFor(users.alice)).toEqual([
      { emoji: '🎉', count: 1, me: true },
      { emoji: '👍', count: 2, me: true },
    ]);
    expect(await reactionsFor(users.bob)).toEqual([
      { emoji: '🎉', count: 1, me: false },
      { emoji: '👍', count: 2, me: true },
    ]);
    expect(await reactionsFor(users.viewer)).toEqual([
      { emoji: '🎉', count: 1, me: false },
      { emoji: '👍', count: 2, me: false },
    ]);
  });

  it('refuses a viewer (403) but lets a demoted author take back their own reaction', async () => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.owner, roomId, 'x');
    expectStatus(await react(users.alice, roomId, message.id, '👍'), 201);
    await setRole(t, users.owner, roomId, users.alice, 'viewer');

    const viewer = await react(users.viewer, roomId, message.id, '👍');
    const demoted = await react(users.alice, roomId, message.id, '🎉');
    const takeBack = await unreact(users.alice, roomId, message.id, '👍');

    expectError(viewer, 403, 'forbidden_role');
    expectError(demoted, 403, 'forbidden_role');
    expectStatus(takeBack, 204);
    expect(await reactionRows(t, tenantId, message.id)).toEqual([]);
  });

  it('refuses reactions in an archived room with 409', async () => {
    const { tenantId, users, roomId } = await setup();
    const message = await sendMessage(t, users.owner, roomId, 'x');
    expectStatus(await t.http.post(`/v1/rooms/${roomId}/archive`).set(users.owner.auth), 200);

    expectError(await react(users.alice, roomId, message.id, '👍'), 409, 'room_archived');
    expect(await reactionRows(t, tenantId, message.id)).toEqual([]);
  });

  it("answers 404 for another room's message, an unknown or a deleted one", async () => {
    const { tenantId, users, roomId } = await setup();
    const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
    const foreign = await sendMessage(t, users.alice, other.id, 'elsewhere');
    const gone = await sendMessage(t, users.alice, roomId, 'gone');
    expectStatus(await t.http.delete(messageUrl(roomId, gone.id)).set(users.alice.auth), 204);
    const unknown = '01900000-0000-7000-8000-0000000000bb';

    for (const id of [foreign.id, gone.id, unknown]) {
      expectError(await react(users.alice, roomId, id, '👍'), 404, 'message_not_found');
      expectError(await unreact(users.alice, roomId, id, '👍'), 404, 'message_not_found');
    }
    expect(await reactionRows(t, tenantId, foreign.id)).toEqual([]);
    expect(await reactionRows(t, tenantId, gone.id)).toEqual([]);
    expectError(await react(users.alice, roomId, 'nope', '👍'), 400, 'invalid_id');
  });

  it.each([
    ['a non-member of a public room', 'public', 403, 'not_a_participant'],
    ['a non-member of a private room', 'private', 404, 'room_not_found'],
  ] as const)('refuses %s', async (_name, roomType, status, error) => {
    const { tenantId, users, roomId } = await setup(roomType);
    const message = await sendMessage(t, users.alice, roomId, 'x');

    expectError(await react(users.outsider, roomId, message.id, '👍'), status, error);
    expectError(await unreact(users.outsider, roomId, message.id, '👍'), status, error);
    expect(await reactionRows(t, tenantId, message.id)).toEqual([]);
  });

  it('answers 404 to another tenant and 401 without a token', async () => {
    const { tenantId, users, roomId } = await setup('public');
    const message = await sendMessage(t, users.alice, roomId, 'x');

    const res = await react(inOtherTenant(users.alice), roomId, message.id, '👍');
    const anonymous = await t.http.put(reactionUrl(roomId, message.id, '👍'));

    expectError(res, 404, 'room_not_found');
    expectError(anonymous, 401, 'unauthorized');
    expect(await reactionRows(t, tenantId, message.id)).toEqual([]);
  });
});

describe('POST /v1/rooms/:roomId/read', () => {
  const read = (user: User, roomId: string, body: unknown) =>
    t.http
      .post(`/v1/rooms/${roomId}/read`)
      .set(user.auth)
      .send(body as object);
  const storedMark = async (tenantId: string, roomId: string, user: User) => {
    const [row]: { last_read_seq: string; last_read_message_id: string | null }[] = await db(
      t,
    ).query(
      `SELECT last_read_seq, last_read_message_id FROM chat_participants
        WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3`,
      [tenantId, roomId, user.profileId],
    );
    return { seq: Number(row.last_read_seq), messageId: row.last_read_message_id };
  };

  /** alice's own message, bob's b1..b3, a reply in a thread and a deleted message of bob. */
  async function conversation() {
    const s = await setup();
    const { users, roomId, tenantId } = s;
    const a1 = await sendMessage(t, users.alice, roomId, 'a1');
    const b1 = await sendMessage(t, users.bob, roomId, 'b1');
    const b2 = await sendMessage(t, users.bob, roomId, 'b2');
    const threadId = await insertThread(t, tenantId, roomId, users.bob, b2.id);
    await sendMessage(t, users.bob, roomId, 'reply', { threadId });
    const gone = await sendMessage(t, users.bob, roomId, 'gone');
    expectStatus(await t.http.delete(messageUrl(roomId, gone.id)).set(users.bob.auth), 204);
    const b3 = await sendMessage(t, users.bob, roomId, 'b3');
    await sendMessage(t, users.alice, roomId, 'a2');
    return { ...s, a1, b1, b2, b3 };
  }

  it('counts root messages after the mark that others wrote, and never moves back', async () => {
    const { tenantId, users, roomId, b1, b3 } = await conversation();

    const first = await read(users.alice, roomId, { seq: b1.seq });
    const back = await read(users.alice, roomId, { seq: 0 });
    const forward = await read(users.alice, roomId, { seq: b3.seq });

    expectStatus(first, 200);
    expect(first.body).toEqual({ lastReadSeq: b1.seq, unreadCount: 2 });
    expectStatus(back, 200);
    expect(back.body).toEqual({ lastReadSeq: b1.seq, unreadCount: 2 });
    expect(forward.body).toEqual({ lastReadSeq: b3.seq, unreadCount: 0 });
    expect(await storedMark(tenantId, roomId, users.alice)).toEqual({
      seq: b3.seq,
      messageId: b3.id,
    });
  });

  it('caps the mark at the room’s last seq', async () => {
    const { tenantId, users, roomId } = await conversation();
    const last = await storedLastSeq(t, tenantId, roomId);

    const res = await read(users.bob, roomId, { seq: last + 1000 });

    expect(res.body).toEqual({ lastReadSeq: last, unreadCount: 0 });
    await sendMessage(t, users.alice, roomId, 'later');
    const next = await read(users.bob, roomId, { seq: last });
    expect(next.body).toEqual({ lastReadSeq: last, unreadCount: 1 });
  });

  it('shows unreadCount and myRole in GET /v1/rooms', async () => {
    const { users, roomId, b2 } = await conversation();
    await read(users.alice, roomId, { seq: b2.seq });

    const rooms = async (user: User) => {
      const res = await t.http.get('/v1/rooms').set(user.auth);
      expectStatus(res, 200);
      const items = res.body.items as { id: string; myRole: string; unreadCount: number }[];
      return items.find((r) => r.id === roomId);
    };

    expect(await rooms(users.alice)).toMatchObject({ myRole: 'member', unreadCount: 1 });
    // bob wrote b1..b3; alice's a1 and a2 are unread for him.
    expect(await rooms(users.bob)).toMatchObject({ myRole: 'member', unreadCount: 2 });
    expect(await rooms(users.viewer)).toMatchObject({ myRole: 'viewer', unreadCount: 5 });
    expect(await rooms(users.owner)).toMatchObject({ myRole: 'owner', unreadCount: 5 });
  });

  it('lets a viewer keep a read mark', async () => {
    const { tenantId, users, roomId, b1 } = await conversation();
    const res = await read(users.viewer, roomId, { seq: b1.seq });
    expect(res.body).toEqual({ lastReadSeq: b1.seq, unreadCount: 3 });
    expect((await storedMark(tenantId, roomId, users.viewer)).seq).toBe(b1.seq);
  });

  it.each([
    ['no seq', {}],
    ['a negative seq', { seq: -1 }],
    ['a seq as a string', { seq: '5' }],
    ['a fractional seq', { seq: 1.5 }],
    ['a forged profile', { seq: 1, profileId: 'someone' }],
  ])('refuses %s with 400 and keeps the mark', async (_name, body) => {
    const { tenantId, users, roomId, a1 } = await conversation();
    await read(users.bob, roomId, { seq: a1.seq });

    expectError(await read(users.bob, roomId, body), 400, 'validation_failed');
    expect((await storedMark(tenantId, roomId, users.bob)).seq).toBe(a1.seq);
  });

  it.each([
    ['a non-member of a public room', 'public', 403, 'not_a_participant'],
    ['a non-member of a private room', 'private', 404, 'room_not_found'],
  ] as const)('refuses %s', async (_name, roomType, status, error) => {
    const { users, roomId } = await setup(roomType);
    expectError(await read(users.outsider, roomId, { seq: 1 }), status, error);
  });

  it('answers 404 to another tenant', async () => {
    const { tenantId, users, roomId } = await setup('public');
    await sendMessage(t, users.bob, roomId, 'x');
    const res = await read(inOtherTenant(users.alice), roomId, { seq: 1 });
    expectError(res, 404, 'room_not_found');
    expect((await storedMark(tenantId, roomId, users.alice)).seq).toBe(0);
  });
});

describe('GET /v1/rooms/:roomId/events', () => {
  const events = async (user: User, roomId: string, query = '') => {
    const res = await t.http.get(`/v1/rooms/${roomId}/events${query}`).set(user.auth);
    expectStatus(res, 200);
    return res.body as {
      items: { seq: number; type: string; data: unknown; createdAt: string }[];
      hasMore: boolean;
    };
  };

  /** Every kind of message event in one room. */
  async function busyRoom() {
    const s = await setup();
    const { users, roomId } = s;
    const m = await sendMessage(t, users.alice, roomId, 'one');
    await t.http.patch(messageUrl(roomId, m.id)).set(users.alice.auth).send({ content: 'uno' });
    await react(users.bob, roomId, m.id, '👍');
    await unreact(users.bob, roomId, m.id, '👍');
    await sendMessage(t, users.bob, roomId, 'two');
    await t.http.delete(messageUrl(roomId, m.id)).set(users.alice.auth);
    return s;
  }

  it('answers every stored event in seq order with {seq, type, data, createdAt}', async () => {
    const { tenantId, users, roomId } = await busyRoom();
    const stored = await roomEvents(t, tenantId, roomId);
    const last = await storedLastSeq(t, tenantId, roomId);

    const all = await events(users.viewer, roomId, '?limit=200');

    expect(all.hasMore).toBe(false);
    expect(all.items.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(all.items.map(({ seq, type, data }) => ({ seq, type, data }))).toEqual(stored);
    for (const e of all.items) {
      expect(Object.keys(e).sort()).toEqual(['createdAt', 'data', 'seq', 'type']);
      expect(e.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(all.items.map((e) => e.type).filter((x) => !x.startsWith('participant.'))).toEqual([
      'message.created',
      'message.updated',
      'reaction.added',
      'reaction.removed',
      'message.created',
      'message.deleted',
    ]);
  });

  it('answers only the events after `after`, and pages with hasMore', async () => {
    const { tenantId, users, roomId } = await busyRoom();
    const stored = await roomEvents(t, tenantId, roomId);

    const tail = await events(users.alice, roomId, `?after=${stored.length - 2}`);
    expect(tail.items.map((e) => e.seq)).toEqual([stored.length - 1, stored.length]);
    expect(tail.hasMore).toBe(false);

    const seen: number[] = [];
    let after = 0;
    for (let pages = 0; pages < 50; pages++) {
      const page = await events(users.alice, roomId, `?after=${after}&limit=2`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.seq));
      if (!page.hasMore) break;
      after = page.items.at(-1)!.seq;
    }
    expect(seen).toEqual(stored.map((e) => e.seq));

    const beyond = await events(users.alice, roomId, `?after=${stored.length}`);
    expect(beyond).toEqual({ items: [], hasMore: false });
  });

  it.each([
    ['limit over 200', '?limit=201'],
    ['a negative after', '?after=-1'],
    ['an after that is not a number', '?after=x'],
    ['an unknown parameter', '?before=3'],
  ])('refuses %s with 400', async (_name, query) => {
    const { users, roomId } = await setup();
    const res = await t.http.get(`/v1/rooms/${roomId}/events${query}`).set(users.alice.auth);
    expectError(res, 400, 'validation_failed');
  });

  it.each([
    ['a non-member of a public room', 'public', 403, 'not_a_participant'],
    ['a non-member of a private room', 'private', 404, 'room_not_found'],
  ] as const)('refuses %s', async (_name, roomType, status, error) => {
    const { users, roomId } = await setup(roomType);
    await sendMessage(t, users.alice, roomId, 'x');
    const res = await t.http.get(`/v1/rooms/${roomId}/events`).set(users.outsider.auth);
    expectError(res, status, error);
  });

  it('answers 404 to another tenant, 401 without a token and 400 to a malformed id', async () => {
    const { users, roomId } = await setup('public');
    await sendMessage(t, users.alice, roomId, 'x');
    const otherTenant = await t.http
      .get(`/v1/rooms/${roomId}/events`)
      .set(inOtherTenant(users.owner).auth);
    expectError(otherTenant, 404, 'room_not_found');
    expectError(await t.http.get(`/v1/rooms/${roomId}/events`), 401, 'unauthorized');
    expectError(await t.http.get(`/v1/rooms/abc/events`).set(users.owner.auth), 400, 'invalid_id');
  });
});
