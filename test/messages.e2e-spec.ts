import { TransactionRunner } from '../src/events/transaction-runner';
import {
  messageCount,
  MessageBody,
  messageRows,
  messageShape,
  messagesOf,
  messageUrl,
  insertThread,
  Page,
  postMessage,
  seedMessages,
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
  UNKNOWN_ROOM_ID,
  User,
} from './support/rooms';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const setup = (roomType: 'public' | 'private' = 'private') => roomWithEveryRole(t, roomType);

/** A refused request must leave the tenant's messages and the room's seq as they were. */
async function snapshot(tenantId: string, roomId: string) {
  return {
    messages: await messageCount(t, tenantId),
    lastSeq: await storedLastSeq(t, tenantId, roomId),
  };
}

describe('POST /v1/rooms/:roomId/messages', () => {
  it('stores a user message of the actor, takes the next seq and logs message.created', async () => {
    const { tenantId, users, roomId } = await setup();
    const before = await storedLastSeq(t, tenantId, roomId);

    const res = await postMessage(t, users.alice, roomId, { content: 'hello world' });

    expectStatus(res, 201);
    const message = res.body as MessageBody;
    expect(message).toEqual(
      messageShape(users.alice, { roomId, seq: before + 1, content: 'hello world' }),
    );
    const [row] = await messageRows(t, tenantId, roomId);
    expect(row).toMatchObject({
      id: message.id,
      seq: before + 1,
      sender_profile_id: users.alice.profileId,
      role: 'user',
      message_type: 'text',
      content: 'hello world',
      agent_session_id: null,
      tool_call_data: null,
    });
    expect(await storedLastSeq(t, tenantId, roomId)).toBe(before + 1);
    const events = await roomEvents(t, tenantId, roomId);
    expect(events.at(-1)).toEqual({ seq: before + 1, type: 'message.created', data: message });
  });

  it.each([
    ['role', 'assistant'],
    ['role', 'user'],
    ['senderProfileId', 'someone-else'],
    ['toolCallData', { name: 'clock.now' }],
    ['agentSessionId', '01900000-0000-7000-8000-000000000001'],
    ['seq', 1],
    ['id', '01900000-0000-7000-8000-000000000002'],
    ['tenantId', 't-other'],
    ['isDeleted', true],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
  ])('refuses the forged field %s (%j) and stores nothing', async (field, value) => {
    const { tenantId, users, roomId } = await setup();
    const before = await snapshot(tenantId, roomId);

    const res = await postMessage(t, users.alice, roomId, { content: 'hi', [field]: value });

    expectError(res, 400, 'validation_failed');
    expect(res.body.message).toContain(field);
    expect(await snapshot(tenantId, roomId)).toEqual(before);
  });

  it.each(['system', 'tool_call', 'tool_result', 'bogus', ''])(
    'refuses messageType %j',
    async (messageType) => {
      const { tenantId, users, roomId } = await setup();
      const before = await snapshot(tenantId, roomId);

      const res = await postMessage(t, users.alice, roomId, { content: 'hi', messageType });

      expectError(res, 400, 'validation_failed');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    },
  );

  it.each(['text', 'file', 'action'])('accepts messageType %s', async (messageType) => {
    const { tenantId, users, roomId } = await setup();

    const res = await postMessage(t, users.alice, roomId, { content: 'hi', messageType });

    expectStatus(res, 201);
    expect(res.body).toEqual(messageShape(users.alice, { roomId, content: 'hi', messageType }));
    const rows = await messageRows(t, tenantId, roomId);
    expect(rows.map((r) => [r.message_type, r.role])).toEqual([[messageType, 'user']]);
  });

  it.each([
    ['empty content', { content: '' }],
    ['content over 16,000 characters', { content: 'x'.repeat(16_001) }],
    ['no content', {}],
    ['content that is not a string', { content: 42 }],
    ['content with a NUL character', { content: 'a\u0000b' }],
    ['content with an unpaired surrogate', { content: 'a\ud800b' }],
    ['a clientMessageId with a NUL character', { content: 'hi', clientMessageId: 'k\u0000' }],
    ['an empty clientMessageId', { content: 'hi', clientMessageId: '' }],
    ['a clientMessageId over 128 characters', { content: 'hi', clientMessageId: 'k'.repeat(129) }],
    ['a threadId that is not a uuid', { content: 'hi', threadId: 'thread-1' }],
    ['a replyToMessageId that is not a uuid', { content: 'hi', replyToMessageId: 42 }],
  ])('refuses %s with 400 and stores nothing', async (_name, body) => {
    const { tenantId, users, roomId } = await setup();
    const before = await snapshot(tenantId, roomId);

    const res = await postMessage(t, users.alice, roomId, body);

    expectError(res, 400, 'validation_failed');
    expect(await snapshot(tenantId, roomId)).toEqual(before);
  });

  it('accepts content of exactly 16,000 characters', async () => {
    const { tenantId, users, roomId } = await setup();
    const content = 'y'.repeat(16_000);

    const res = await postMessage(t, users.alice, roomId, { content });

    expectStatus(res, 201);
    const rows = await messageRows(t, tenantId, roomId);
    expect(rows.map((r) => r.content.length)).toEqual([16_000]);
  });

  describe('attachments', () => {
    const file = (n: number) => ({
      url: `https://files.example.com/f/${n}.png`,
      filename: `photo ${n}.png`,
      contentType: 'image/png',
      size: 1000 + n,
    });

    it('stores up to ten valid references as sent', async () => {
      const { tenantId, users, roomId } = await setup();
      const attachments = Array.from({ length: 10 }, (_, i) => file(i));

      const res = await postMessage(t, users.alice, roomId, {
        content: 'photos',
        messageType: 'file',
        attachments,
      });

      expectStatus(res, 201);
      expect(res.body.attachments).toEqual(attachments);
      const [row] = await messageRows(t, tenantId, roomId);
      expect(row.attachments).toEqual(attachments);
      const got = await t.http.get(messageUrl(roomId, res.body.id)).set(users.bob.auth);
      expect(got.body.attachments).toEqual(attachments);
    });

    it.each([
      ['eleven attachments', Array.from({ length: 11 }, (_, i) => file(i))],
      ['a url that is not a url', [{ ...file(1), url: 'not a url' }]],
      ['a javascript: url', [{ ...file(1), url: 'javascript:alert(1)' }]],
      ['an ftp url', [{ ...file(1), url: 'ftp://files.example.com/a.png' }]],
      ['a negative size', [{ ...file(1), size: -1 }]],
      ['a fractional size', [{ ...file(1), size: 1.5 }]],
      ['a size as a string', [{ ...file(1), size: '10' }]],
      ['no filename', [{ url: file(1).url, contentType: 'image/png', size: 1 }]],
      ['a filename with a NUL character', [{ ...file(1), filename: 'a\u0000.png' }]],
      ['a filename with an unpaired surrogate', [{ ...file(1), filename: '\udc00.png' }]],
      ['a url with a NUL character', [{ ...file(1), url: 'https://x.example/a\u0000' }]],
      ['a bad contentType', [{ ...file(1), contentType: 'png' }]],
      ['an unknown attachment field', [{ ...file(1), storedBy: 'someone' }]],
      ['attachments that are not a list', file(1)],
    ])('refuses %s with 400 and stores nothing', async (_name, attachments) => {
      const { tenantId, users, roomId } = await setup();
      const before = await snapshot(tenantId, roomId);

      const res = await postMessage(t, users.alice, roomId, { content: 'f', attachments });

      expectError(res, 400, 'validation_failed');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });
  });

  describe('who may post', () => {
    it('refuses a viewer with 403 forbidden_role', async () => {
      const { tenantId, users, roomId } = await setup();
      const before = await snapshot(tenantId, roomId);

      const res = await postMessage(t, users.viewer, roomId, { content: 'hi' });

      expectError(res, 403, 'forbidden_role');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it.each(['owner', 'admin', 'bob'])('lets the %s post', async (name) => {
      const { users, roomId } = await setup();
      const message = await sendMessage(t, users[name], roomId, 'hi');
      expect(message.senderProfileId).toBe(users[name].profileId);
    });

    it('refuses any post into an archived room with 409 room_archived', async () => {
      const { tenantId, users, roomId } = await setup();
      expectStatus(await t.http.post(`/v1/rooms/${roomId}/archive`).set(users.owner.auth), 200);
      const before = await snapshot(tenantId, roomId);

      for (const user of [users.owner, users.alice]) {
        const res = await postMessage(t, user, roomId, { content: 'hi' });
        expectError(res, 409, 'room_archived');
      }
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it('refuses a non-member of a public room with 403 not_a_participant', async () => {
      const { tenantId, users, roomId } = await setup('public');
      const before = await snapshot(tenantId, roomId);

      const res = await postMessage(t, users.outsider, roomId, { content: 'hi' });

      expectError(res, 403, 'not_a_participant');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it('hides a private room from a non-member: 404 room_not_found', async () => {
      const { tenantId, users, roomId } = await setup('private');
      const before = await snapshot(tenantId, roomId);

      const res = await postMessage(t, users.outsider, roomId, { content: 'hi' });

      expectError(res, 404, 'room_not_found');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it('refuses a former member who left', async () => {
      const { users, roomId } = await setup('private');
      expectStatus(await t.http.post(`/v1/rooms/${roomId}/leave`).set(users.bob.auth), 200);

      const res = await postMessage(t, users.bob, roomId, { content: 'hi' });

      expectError(res, 404, 'room_not_found');
    });

    it.each(['public', 'private'] as const)(
      'answers 404 to the same profile in another tenant (%s room)',
      async (roomType) => {
        const { tenantId, users, roomId } = await setup(roomType);
        const before = await snapshot(tenantId, roomId);

        const res = await postMessage(t, inOtherTenant(users.owner), roomId, { content: 'hi' });

        expectError(res, 404, 'room_not_found');
        expect(await snapshot(tenantId, roomId)).toEqual(before);
      },
    );

    it('answers 404 for a room that does not exist', async () => {
      const { users } = await setup();
      const res = await postMessage(t, users.alice, UNKNOWN_ROOM_ID, { content: 'hi' });
      expectError(res, 404, 'room_not_found');
    });

    it('answers 401 without a token and stores nothing', async () => {
      const { tenantId, roomId } = await setup();
      const before = await snapshot(tenantId, roomId);

      const res = await t.http.post(messagesOf(roomId)).send({ content: 'hi' });

      expectError(res, 401, 'unauthorized');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it.each(['not-a-uuid', '1234', "x' OR '1'='1"])(
      'answers 400 invalid_id for the room id %j',
      async (bad) => {
        const { users } = await setup();
        const res = await postMessage(t, users.alice, encodeURIComponent(bad), { content: 'hi' });
        expectError(res, 400, 'invalid_id');
      },
    );
  });

  describe('references', () => {
    it('refuses a threadId or replyToMessageId from another room with 400 invalid_reference', async () => {
      const { tenantId, users, roomId } = await setup();
      const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
      const foreign = await sendMessage(t, users.alice, other.id, 'elsewhere');
      const foreignThread = await insertThread(t, tenantId, other.id, users.alice, foreign.id);
      const before = await snapshot(tenantId, roomId);
      const otherBefore = await storedLastSeq(t, tenantId, other.id);

      const reply = await postMessage(t, users.alice, roomId, {
        content: 'hi',
        replyToMessageId: foreign.id,
      });
      const threaded = await postMessage(t, users.alice, roomId, {
        content: 'hi',
        threadId: foreignThread,
      });

      expectError(reply, 400, 'invalid_reference');
      expectError(threaded, 400, 'invalid_reference');
      expect(await snapshot(tenantId, roomId)).toEqual(before);
      expect(await storedLastSeq(t, tenantId, other.id)).toBe(otherBefore);
      const [thread]: { message_count: number }[] = await db(t).query(
        `SELECT message_count FROM chat_threads WHERE tenant_id = $1 AND id = $2`,
        [tenantId, foreignThread],
      );
      expect(thread.message_count).toBe(0);
    });

    it('refuses references that exist nowhere with 400 invalid_reference', async () => {
      const { tenantId, users, roomId } = await setup();
      const before = await snapshot(tenantId, roomId);

      for (const field of ['threadId', 'replyToMessageId']) {
        const res = await postMessage(t, users.alice, roomId, {
          content: 'hi',
          [field]: '01900000-0000-7000-8000-0000000000aa',
        });
        expectError(res, 400, 'invalid_reference');
      }
      expect(await snapshot(tenantId, roomId)).toEqual(before);
    });

    it("refuses another tenant's message id as replyToMessageId", async () => {
      const a = await setup();
      const b = await setup();
      const theirs = await sendMessage(t, b.users.alice, b.roomId, 'tenant b');
      const before = await snapshot(a.tenantId, a.roomId);

      const res = await postMessage(t, a.users.alice, a.roomId, {
        content: 'hi',
        replyToMessageId: theirs.id,
      });

      expectError(res, 400, 'invalid_reference');
      expect(await snapshot(a.tenantId, a.roomId)).toEqual(before);
    });

    it('stores a reply to a message of the same room', async () => {
      const { tenantId, users, roomId } = await setup();
      const first = await sendMessage(t, users.bob, roomId, 'question');

      const res = await postMessage(t, users.alice, roomId, {
        content: 'answer',
        replyToMessageId: first.id.toUpperCase(),
      });

      expectStatus(res, 201);
      expect(res.body).toEqual(
        messageShape(users.alice, { roomId, content: 'answer', replyToMessageId: first.id }),
      );
      const rows = await messageRows(t, tenantId, roomId);
      expect(rows.map((r) => [r.content, r.reply_to_message_id])).toEqual([
        ['question', null],
        ['answer', first.id],
      ]);
    });

    it('stores a reply in a thread of the same room and counts it on the thread', async () => {
      const { tenantId, users, roomId } = await setup();
      const root = await sendMessage(t, users.bob, roomId, 'root');
      const threadId = await insertThread(t, tenantId, roomId, users.bob, root.id);

      const res = await postMessage(t, users.alice, roomId, { content: 'in thread', threadId });

      expectStatus(res, 201);
      expect(res.body.threadId).toBe(threadId);
      const rows = await messageRows(t, tenantId, roomId);
      expect(rows.map((r) => r.thread_id)).toEqual([null, threadId]);
      const [thread]: { message_count: number }[] = await db(t).query(
        `SELECT message_count FROM chat_threads WHERE tenant_id = $1 AND id = $2`,
        [tenantId, threadId],
      );
      expect(thread.message_count).toBe(1);
    });
  });

  it('answers 413 to a body over 1 MiB and stores nothing', async () => {
    const { tenantId, users, roomId } = await setup();
    const before = await snapshot(tenantId, roomId);

    const res = await postMessage(t, users.alice, roomId, { content: 'z'.repeat(1024 * 1024 + 1) });

    expectError(res, 413, 'payload_too_large');
    expect(await snapshot(tenantId, roomId)).toEqual(before);
  });
});

describe('clientMessageId', () => {
  it('answers a retry with 200 and the first message, storing nothing new', async () => {
    const { tenantId, users, roomId } = await setup();
    const first = await postMessage(t, users.alice, roomId, {
      content: 'once',
      clientMessageId: 'c-1',
    });
    expectStatus(first, 201);
    const before = await snapshot(tenantId, roomId);
    const eventsBefore = await roomEvents(t, tenantId, roomId);

    const retry = await postMessage(t, users.alice, roomId, {
      content: 'once, again',
      clientMessageId: 'c-1',
    });

    expectStatus(retry, 200);
    expect(retry.body).toEqual(first.body);
    expect(retry.body).toEqual(
      messageShape(users.alice, { content: 'once', clientMessageId: 'c-1', roomId }),
    );
    expect(await snapshot(tenantId, roomId)).toEqual(before);
    expect(await roomEvents(t, tenantId, roomId)).toEqual(eventsBefore);
    const rows = await messageRows(t, tenantId, roomId);
    expect(rows.map((r) => [r.id, r.content, r.client_message_id])).toEqual([
      [first.body.id, 'once', 'c-1'],
    ]);
  });

  it('makes a new message for the same key from another actor or in another room', async () => {
    const { tenantId, users, roomId } = await setup();
    const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
    const mine = await sendMessage(t, users.alice, roomId, 'a', { clientMessageId: 'same' });

    const bobs = await postMessage(t, users.bob, roomId, { content: 'b', clientMessageId: 'same' });
    const elsewhere = await postMessage(t, users.alice, other.id, {
      content: 'c',
      clientMessageId: 'same',
    });

    expectStatus(bobs, 201);
    expectStatus(elsewhere, 201);
    const ids = new Set([mine.id, bobs.body.id, elsewhere.body.id]);
    expect(ids.size).toBe(3);
    expect((await messageRows(t, tenantId, roomId)).map((r) => r.sender_profile_id)).toEqual([
      users.alice.profileId,
      users.bob.profileId,
    ]);
    expect((await messageRows(t, tenantId, other.id)).map((r) => r.content)).toEqual(['c']);
  });
});

describe('GET /v1/rooms/:roomId/messages', () => {
  const page = async (user: User, roomId: string, query = '') => {
    const res = await t.http.get(`${messagesOf(roomId)}${query}`).set(user.auth);
    expectStatus(res, 200);
    return res.body as Page<MessageBody>;
  };
  const contents = (p: Page<MessageBody>) => p.items.map((m) => m.content);

  it('lists newest first, before=<seq> below it, after=<seq> oldest first', async () => {
    const { users, roomId } = await setup();
    const sent: MessageBody[] = [];
    for (const n of [1, 2, 3, 4, 5]) sent.push(await sendMessage(t, users.alice, roomId, `m${n}`));

    const latest = await page(users.bob, roomId);
    expect(contents(latest)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(latest.hasMore).toBe(false);
    expect(latest.items[0]).toEqual({ ...sent[4], reactions: [] });

    expect(contents(await page(users.bob, roomId, `?before=${sent[2].seq}`))).toEqual(['m2', 'm1']);
    expect(contents(await page(users.bob, roomId, `?after=${sent[1].seq}`))).toEqual([
      'm3',
      'm4',
      'm5',
    ]);
    const limited = await page(users.bob, roomId, '?limit=2');
    expect({ items: contents(limited), hasMore: limited.hasMore }).toEqual({
      items: ['m5', 'm4'],
      hasMore: true,
    });
    const between = await page(users.bob, roomId, `?after=${sent[0].seq}&before=${sent[3].seq}`);
    expect(contents(between)).toEqual(['m3', 'm2']);
    const firstTwo = await page(users.bob, roomId, `?after=0&limit=2`);
    expect({ items: contents(firstTwo), hasMore: firstTwo.hasMore }).toEqual({
      items: ['m1', 'm2'],
      hasMore: true,
    });
  });

  it('lets a viewer read', async () => {
    const { users, roomId } = await setup();
    await sendMessage(t, users.alice, roomId, 'for everyone');
    expect(contents(await page(users.viewer, roomId))).toEqual(['for everyone']);
  });

  it.each([
    ['limit over 200', '?limit=201'],
    ['limit 0', '?limit=0'],
    ['a before that is not a number', '?before=abc'],
    ['a negative after', '?after=-1'],
    ['an unknown parameter', '?cursor=abc'],
  ])('refuses %s with 400', async (_name, query) => {
    const { users, roomId } = await setup();
    const res = await t.http.get(`${messagesOf(roomId)}${query}`).set(users.alice.auth);
    expectError(res, 400, 'validation_failed');
  });

  it('leaves out thread replies and deleted messages', async () => {
    const { tenantId, users, roomId } = await setup();
    const root = await sendMessage(t, users.alice, roomId, 'root');
    const threadId = await insertThread(t, tenantId, roomId, users.alice, root.id);
    await sendMessage(t, users.bob, roomId, 'reply', { threadId });
    const gone = await sendMessage(t, users.bob, roomId, 'gone');
    await sendMessage(t, users.bob, roomId, 'kept');
    expectStatus(await t.http.delete(messageUrl(roomId, gone.id)).set(users.bob.auth), 204);

    expect(contents(await page(users.alice, roomId))).toEqual(['kept', 'root']);
    expect(contents(await page(users.alice, roomId, '?after=0'))).toEqual(['root', 'kept']);
  });

  it.each([
    ['a non-member of a public room', 'public', 'outsider', 403, 'not_a_participant'],
    ['a non-member of a private room', 'private', 'outsider', 404, 'room_not_found'],
  ] as const)('refuses %s', async (_name, roomType, who, status, error) => {
    const { users, roomId } = await setup(roomType);
    await sendMessage(t, users.alice, roomId, 'secret');
    expectError(await t.http.get(messagesOf(roomId)).set(users[who].auth), status, error);
  });

  it('answers 404 to another tenant and 401 without a token', async () => {
    const { users, roomId } = await setup('public');
    await sendMessage(t, users.alice, roomId, 'secret');
    const res = await t.http.get(messagesOf(roomId)).set(inOtherTenant(users.alice).auth);
    expectError(res, 404, 'room_not_found');
    expectError(await t.http.get(messagesOf(roomId)), 401, 'unauthorized');
  });

  describe('a room of 3,000 messages', () => {
    let users: Record<string, User>;
    let roomId: string;
    let expected: number[];

    beforeAll(async () => {
      const s = await setup();
      users = s.users;
      roomId = s.roomId;
      const first = await seedMessages(t, s.tenantId, roomId, users.alice, 3000);
      // Some deleted messages and a thread reply in the middle, so a walk must skip them.
      await db(t).query(
        `UPDATE chat_messages SET is_deleted = true, content = ''
          WHERE tenant_id = $1 AND room_id = $2 AND seq % 97 = 0`,
        [s.tenantId, roomId],
      );
      const threadId = await insertThread(t, s.tenantId, roomId, users.alice);
      const reply = await sendMessage(t, users.bob, roomId, 'reply', { threadId });
      expected = Array.from({ length: 3000 }, (_, i) => first + i).filter((seq) => seq % 97 !== 0);
      expect(reply.seq).toBe(first + 3000);
    });

    it('walks backwards with before=<seq> without duplicates or misses', async () => {
      const seen: number[] = [];
      let query = '?limit=200';
      for (let pages = 0; pages < 100; pages++) {
        const p = await page(users.bob, roomId, query);
        seen.push(...p.items.map((m) => m.seq));
        if (!p.hasMore) break;
        query = `?limit=200&before=${p.items.at(-1)!.seq}`;
      }
      expect(seen).toEqual([...expected].reverse());
    });

    it('walks forwards with after=<seq> without duplicates or misses', async () => {
      const seen: number[] = [];
      let query = '?limit=200&after=0';
      for (let pages = 0; pages < 100; pages++) {
        const p = await page(users.bob, roomId, query);
        seen.push(...p.items.map((m) => m.seq));
        if (!p.hasMore) break;
        query = `?limit=200&after=${p.items.at(-1)!.seq}`;
      }
      expect(seen).toEqual(expected);
    });

    it.each([
      ['the newest page', ''],
      ['a page before a seq', '?before=1500'],
      ['a page after a seq', '?after=1500'],
    ])('reads %s through the timeline index, without a sort', async (_name, query) => {
      const runner = t.app.get(TransactionRunner);
      const spy = jest.spyOn(runner, 'prepared');
      try {
        await page(users.bob, roomId, query);
        const call = spy.mock.calls.find(([, sql]) =>
          /FROM chat_messages[\s\S]*ORDER BY seq/.test(sql),
        );
        expect(call).toBeDefined();
        const [, sql, params] = call!;
        await db(t).query('ANALYZE chat_messages');
        const plan: { 'QUERY PLAN': string }[] = await db(t).query(`EXPLAIN ${sql}`, params);
        const text = plan.map((r) => r['QUERY PLAN']).join('\n');
        // Either index on (tenant_id, room_id, seq) serves the page in order; the seq bound must be
        // part of the index condition, so a page never reads the rows before it.
        expect(text).toMatch(
          /^Limit .*\n\s+->\s+Index Scan (Backward )?using \w+ on chat_messages/,
        );
        expect(text).toMatch(
          /Index Cond: \(\(tenant_id = .*\) AND \(room_id = .*\) AND \(seq [<>] /,
        );
        // The reactions of each row come from a per-row subplan (a handful of rows, grouped); the scan
        // of the page itself must not sort.
        const [pagePlan] = text.split(/\n\s+SubPlan/);
        expect(pagePlan).not.toMatch(/Sort|Seq Scan|Bitmap/);
      } finally {
        spy.mockRestore();
      }
    });
  });
});

describe('GET /v1/rooms/:roomId/messages/:messageId', () => {
  it('answers the message with its reactions', async () => {
    const { users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'one');

    const res = await t.http.get(messageUrl(roomId, sent.id)).set(users.viewer.auth);

    expectStatus(res, 200);
    expect(res.body).toEqual(sent);
  });

  it('answers a deleted message as a tombstone', async () => {
    const { users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'soon gone', {
      attachments: [
        { url: 'https://x.example/a', filename: 'a', contentType: 'text/plain', size: 1 },
      ],
    });
    const react = await t.http
      .put(`${messageUrl(roomId, sent.id)}/reactions/${encodeURIComponent('👍')}`)
      .set(users.bob.auth);
    expectStatus(react, 201);
    expectStatus(await t.http.delete(messageUrl(roomId, sent.id)).set(users.alice.auth), 204);

    const res = await t.http.get(messageUrl(roomId, sent.id)).set(users.bob.auth);

    expectStatus(res, 200);
    expect(res.body).toEqual({
      ...sent,
      isDeleted: true,
      content: '',
      attachments: [],
      reactions: [],
    });
  });

  it("answers 404 message_not_found for another room's message or an unknown id", async () => {
    const { users, roomId } = await setup();
    const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
    const foreign = await sendMessage(t, users.alice, other.id, 'elsewhere');

    const res = await t.http.get(messageUrl(roomId, foreign.id)).set(users.alice.auth);
    const unknown = await t.http.get(messageUrl(roomId, UNKNOWN_ROOM_ID)).set(users.alice.auth);

    expectError(res, 404, 'message_not_found');
    expectError(unknown, 404, 'message_not_found');
  });

  it('answers 400 invalid_id for a malformed message id', async () => {
    const { users, roomId } = await setup();
    const res = await t.http.get(messageUrl(roomId, 'abc')).set(users.alice.auth);
    expectError(res, 400, 'invalid_id');
  });

  it('hides the message from a non-member and another tenant', async () => {
    const { users, roomId } = await setup('public');
    const sent = await sendMessage(t, users.alice, roomId, 'x');
    const outsider = await t.http.get(messageUrl(roomId, sent.id)).set(users.outsider.auth);
    const otherTenant = await t.http
      .get(messageUrl(roomId, sent.id))
      .set(inOtherTenant(users.alice).auth);
    expectError(outsider, 403, 'not_a_participant');
    expectError(otherTenant, 404, 'room_not_found');
  });
});

describe('PATCH /v1/rooms/:roomId/messages/:messageId', () => {
  it('lets the author edit and logs message.updated', async () => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'draft');

    const res = await t.http
      .patch(messageUrl(roomId, sent.id))
      .set(users.alice.auth)
      .send({ content: 'final' });

    expectStatus(res, 200);
    expect(res.body).toEqual({
      ...sent,
      content: 'final',
      isEdited: true,
      editedAt: expect.stringMatching(/Z$/),
    });
    const [row] = await messageRows(t, tenantId, roomId);
    expect(row).toMatchObject({ content: 'final', is_edited: true, edited_at: expect.any(Date) });
    const events = await roomEvents(t, tenantId, roomId);
    expect(events.at(-1)).toEqual({
      seq: await storedLastSeq(t, tenantId, roomId),
      type: 'message.updated',
      data: res.body,
    });
  });

  it.each(['bob', 'owner', 'admin'])(
    "refuses to let the %s edit someone else's message (403)",
    async (name) => {
      const { tenantId, users, roomId } = await setup();
      const sent = await sendMessage(t, users.alice, roomId, 'mine');
      const before = await roomEvents(t, tenantId, roomId);

      const res = await t.http
        .patch(messageUrl(roomId, sent.id))
        .set(users[name].auth)
        .send({ content: 'yours now' });

      expectError(res, 403, 'forbidden_role');
      expect((await messageRows(t, tenantId, roomId))[0]).toMatchObject({
        content: 'mine',
        is_edited: false,
      });
      expect(await roomEvents(t, tenantId, roomId)).toEqual(before);
    },
  );

  it('refuses to edit a deleted message with 400', async () => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'gone');
    expectStatus(await t.http.delete(messageUrl(roomId, sent.id)).set(users.alice.auth), 204);

    const res = await t.http
      .patch(messageUrl(roomId, sent.id))
      .set(users.alice.auth)
      .send({ content: 'back' });

    expectError(res, 400, 'message_not_editable');
    expect((await messageRows(t, tenantId, roomId))[0]).toMatchObject({
      content: '',
      is_deleted: true,
      is_edited: false,
    });
  });

  it('refuses an author who is now a viewer (403) and an archived room (409)', async () => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'before');
    const bobs = await sendMessage(t, users.bob, roomId, 'before');
    await setRole(t, users.owner, roomId, users.alice, 'viewer');

    const asViewer = await t.http
      .patch(messageUrl(roomId, sent.id))
      .set(users.alice.auth)
      .send({ content: 'after' });
    expectStatus(await t.http.post(`/v1/rooms/${roomId}/archive`).set(users.owner.auth), 200);
    const archived = await t.http
      .patch(messageUrl(roomId, bobs.id))
      .set(users.bob.auth)
      .send({ content: 'after' });

    expectError(asViewer, 403, 'forbidden_role');
    expectError(archived, 409, 'room_archived');
    expect((await messageRows(t, tenantId, roomId)).map((r) => r.content)).toEqual([
      'before',
      'before',
    ]);
  });

  it.each([
    ['empty content', { content: '' }],
    ['content over 16,000 characters', { content: 'x'.repeat(16_001) }],
    ['no content', {}],
    ['content with a NUL character', { content: 'a\u0000b' }],
    ['a forged field', { content: 'ok', role: 'system' }],
    ['a forged sender', { content: 'ok', senderProfileId: 'x' }],
  ])('refuses %s with 400', async (_name, body) => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'kept');

    const res = await t.http.patch(messageUrl(roomId, sent.id)).set(users.alice.auth).send(body);

    expectError(res, 400, 'validation_failed');
    expect((await messageRows(t, tenantId, roomId))[0]).toMatchObject({
      content: 'kept',
      role: 'user',
      sender_profile_id: users.alice.profileId,
      is_edited: false,
    });
  });

  it("answers 404 for another room's message and hides the room from others", async () => {
    const { users, roomId } = await setup();
    const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
    const foreign = await sendMessage(t, users.alice, other.id, 'elsewhere');
    const mine = await sendMessage(t, users.alice, roomId, 'here');

    const wrongRoom = await t.http
      .patch(messageUrl(roomId, foreign.id))
      .set(users.alice.auth)
      .send({ content: 'x' });
    const outsider = await t.http
      .patch(messageUrl(roomId, mine.id))
      .set(users.outsider.auth)
      .send({ content: 'x' });
    const otherTenant = await t.http
      .patch(messageUrl(roomId, mine.id))
      .set(inOtherTenant(users.alice).auth)
      .send({ content: 'x' });

    expectError(wrongRoom, 404, 'message_not_found');
    expectError(outsider, 404, 'room_not_found');
    expectError(otherTenant, 404, 'room_not_found');
  });
});

describe('DELETE /v1/rooms/:roomId/messages/:messageId', () => {
  it('lets the author delete: 204, content blanked for good, message.deleted logged', async () => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'secret', {
      attachments: [
        { url: 'https://x.example/a', filename: 'a', contentType: 'text/plain', size: 1 },
      ],
    });

    const res = await t.http.delete(messageUrl(roomId, sent.id)).set(users.alice.auth);

    expectStatus(res, 204);
    expect(res.text).toBe('');
    const [row] = await messageRows(t, tenantId, roomId);
    expect(row).toMatchObject({ content: '', attachments: [], is_deleted: true });
    const events = await roomEvents(t, tenantId, roomId);
    expect(events.at(-1)).toEqual({
      seq: await storedLastSeq(t, tenantId, roomId),
      type: 'message.deleted',
      data: { ...sent, content: '', attachments: [], isDeleted: true },
    });
    expect(JSON.stringify(events.at(-1))).not.toContain('secret');
  });

  it.each(['owner', 'admin'])("lets the %s delete anyone's message", async (name) => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'rude');

    const res = await t.http.delete(messageUrl(roomId, sent.id)).set(users[name].auth);

    expectStatus(res, 204);
    expect((await messageRows(t, tenantId, roomId))[0]).toMatchObject({
      content: '',
      is_deleted: true,
    });
  });

  it.each(['bob', 'viewer'])(
    "refuses to let the %s delete someone else's message (403)",
    async (name) => {
      const { tenantId, users, roomId } = await setup();
      const sent = await sendMessage(t, users.alice, roomId, 'mine');
      const before = await roomEvents(t, tenantId, roomId);

      const res = await t.http.delete(messageUrl(roomId, sent.id)).set(users[name].auth);

      expectError(res, 403, 'forbidden_role');
      expect((await messageRows(t, tenantId, roomId))[0]).toMatchObject({
        content: 'mine',
        is_deleted: false,
      });
      expect(await roomEvents(t, tenantId, roomId)).toEqual(before);
    },
  );

  it('logs one message.deleted however often it is deleted', async () => {
    const { tenantId, users, roomId } = await setup();
    const sent = await sendMessage(t, users.alice, roomId, 'x');

    expectStatus(await t.http.delete(messageUrl(roomId, sent.id)).set(users.alice.auth), 204);
    expectStatus(await t.http.delete(messageUrl(roomId, sent.id)).set(users.owner.auth), 204);

    const deletions = (await roomEvents(t, tenantId, roomId)).filter(
      (e) => e.type === 'message.deleted',
    );
    expect(deletions).toHaveLength(1);
  });

  it("answers 404 for another room's message, a non-member and another tenant", async () => {
    const { tenantId, users, roomId } = await setup();
    const other = await roomWith(t, users.owner, [[users.alice, 'member']]);
    const foreign = await sendMessage(t, users.alice, other.id, 'elsewhere');
    const mine = await sendMessage(t, users.alice, roomId, 'here');

    const wrongRoom = await t.http.delete(messageUrl(roomId, foreign.id)).set(users.owner.auth);
    const outsider = await t.http.delete(messageUrl(roomId, mine.id)).set(users.outsider.auth);
    const otherTenant = await t.http
      .delete(messageUrl(roomId, mine.id))
      .set(inOtherTenant(users.owner).auth);

    expectError(wrongRoom, 404, 'message_not_found');
    expectError(outsider, 404, 'room_not_found');
    expectError(otherTenant, 404, 'room_not_found');
    expect((await messageRows(t, tenantId, other.id))[0].is_deleted).toBe(false);
    expect((await messageRows(t, tenantId, roomId))[0].is_deleted).toBe(false);
  });
});
