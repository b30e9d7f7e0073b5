import {
  createSession,
  getSession,
  say,
  SessionBody,
  startAgentApp,
  storedMessages,
  turnsDone,
} from './support/agents';
import {
  db,
  expectError,
  expectStatus,
  inOtherTenant,
  ISO_UTC,
  listParticipants,
  participantShape,
  roomCount,
  roomEvents,
  roomShape,
  UNKNOWN_ROOM_ID,
  User,
  UUID_V7,
} from './support/rooms';
import { makeTenant, TestApp } from './support/test-app';

const sessionShape = (fields: Partial<SessionBody>): SessionBody => ({
  id: expect.stringMatching(UUID_V7),
  agentId: 'echo',
  participantProfileId: expect.any(String),
  chatRoomId: expect.stringMatching(UUID_V7),
  status: 'active',
  isActive: true,
  inactiveReason: null,
  allowedTools: [],
  systemPrompt: null,
  messageCount: 0,
  totalTokensUsed: 0,
  maxTokens: 0,
  maxMessages: 0,
  lastMessageAt: null,
  expiresAt: null,
  closedAt: null,
  createdAt: expect.stringMatching(ISO_UTC),
  ...fields,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, for what a sweep does in the background. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(100);
  }
}

async function sessionEvents(t: TestApp, tenantId: string, roomId: string) {
  return (await roomEvents(t, tenantId, roomId)).filter((e) => e.type === 'session.updated');
}

describe('agent sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAgentApp({ sweepIntervalMs: 200 });
  });
  afterAll(() => t.close());

  describe('GET /v1/agents', () => {
    it('lists the registered agents with their tools', async () => {
      const { users } = makeTenant('alice');
      const res = await t.http.get('/v1/agents').set(users.alice.auth);
      expectStatus(res, 200);
      expect(res.body).toEqual({
        items: [
          { id: 'echo', description: expect.any(String), tools: ['clock.now', 'text.word_count'] },
        ],
        hasMore: false,
      });
    });

    it('needs a token', async () => {
      expect((await t.http.get('/v1/agents')).status).toBe(401);
    });
  });

  describe('POST /v1/agent-sessions', () => {
    it('creates a session with an agent room of the actor (owner) and the agent', async () => {
      const { users } = makeTenant('alice');
      const res = await t.http
        .post('/v1/agent-sessions')
        .set(users.alice.auth)
        .send({
          agentId: 'echo',
          allowedTools: ['clock.now'],
          systemPrompt: 'Be brief',
          maxMessages: 9,
          maxTokens: 500,
          ttlSeconds: 3600,
        });
      expectStatus(res, 201);
      const { session, room } = res.body as { session: SessionBody; room: { id: string } };
      expect(session).toEqual(
        sessionShape({
          participantProfileId: users.alice.profileId,
          chatRoomId: room.id,
          allowedTools: ['clock.now'],
          systemPrompt: 'Be brief',
          maxMessages: 9,
          maxTokens: 500,
          expiresAt: expect.stringMatching(ISO_UTC),
        }),
      );
      const ttl = Date.parse(session.expiresAt!) - Date.parse(session.createdAt);
      expect(Math.abs(ttl - 3600_000)).toBeLessThan(5000);
      expect(res.body.room).toEqual(
        roomShape({
          roomType: 'agent',
          maxParticipants: 2,
          createdByProfileId: users.alice.profileId,
        }),
      );
      expect(await listParticipants(t, users.alice, room.id)).toEqual(
        expect.arrayContaining([
          participantShape({ profileId: users.alice.profileId, role: 'owner' }),
          participantShape({ profileId: 'agent:echo', role: 'member' }),
        ]),
      );
      expect(await listParticipants(t, users.alice, room.id)).toHaveLength(2);
    });

    it('defaults allowedTools to none and the budgets to unlimited', async () => {
      const { users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice);
      expect(session).toEqual(sessionShape({ participantProfileId: users.alice.profileId }));
    });

    it('answers an unknown agent with 404 agent_not_found', async () => {
      const { tenantId, users } = makeTenant('alice');
      for (const agentId of ['nope', 'Echo', 'echo ', 'llm']) {
        const res = await t.http.post('/v1/agent-sessions').set(users.alice.auth).send({ agentId });
        expectError(res, 404, 'agent_not_found');
      }
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it('refuses a tool the agent does not declare with 400 tool_not_available', async () => {
      const { tenantId, users } = makeTenant('alice');
      for (const tool of ['shell.exec', 'Clock.now', ' clock.now', '\u0441lock.now']) {
        const res = await t.http
          .post('/v1/agent-sessions')
          .set(users.alice.auth)
          .send({ agentId: 'echo', allowedTools: ['clock.now', tool] });
        expectError(res, 400, 'tool_not_available');
      }
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it.each([
      ['no agentId', {}],
      ['an empty agentId', { agentId: '' }],
      ['a numeric agentId', { agentId: 5 }],
      ['an unknown field', { agentId: 'echo', color: 'red' }],
      ['a participant', { agentId: 'echo', participantProfileId: 'bob' }],
      ['a tenant', { agentId: 'echo', tenantId: 'other' }],
      ['a session context', { agentId: 'echo', sessionContext: { a: 1 } }],
      ['allowedTools not a list', { agentId: 'echo', allowedTools: 'clock.now' }],
      ['allowedTools null', { agentId: 'echo', allowedTools: null }],
      ['a non-string tool', { agentId: 'echo', allowedTools: [1] }],
      ['a repeated tool', { agentId: 'echo', allowedTools: ['clock.now', 'clock.now'] }],
      ['a negative maxMessages', { agentId: 'echo', maxMessages: -1 }],
      ['a fractional maxTokens', { agentId: 'echo', maxTokens: 1.5 }],
      ['a ttlSeconds of 0', { agentId: 'echo', ttlSeconds: 0 }],
      ['a string ttlSeconds', { agentId: 'echo', ttlSeconds: '60' }],
      ['a NUL in the prompt', { agentId: 'echo', systemPrompt: 'a\u0000b' }],
      ['an empty sessionKey', { agentId: 'echo', sessionKey: '' }],
    ])('answers %s with 400', async (_label, body) => {
      const { tenantId, users } = makeTenant('alice');
      const res = await t.http.post('/v1/agent-sessions').set(users.alice.auth).send(body);
      expectError(res, 400, 'validation_failed');
      expect(await roomCount(t, tenantId)).toBe(0);
    });

    it('returns the active session for the same agent and key with 200, unchanged', async () => {
      const { tenantId, users } = makeTenant('alice');
      const first = await createSession(t, users.alice, { allowedTools: ['clock.now'] });
      const again = await t.http
        .post('/v1/agent-sessions')
        .set(users.alice.auth)
        .send({ agentId: 'echo', allowedTools: [], maxMessages: 1 });
      expectStatus(again, 200);
      expect(again.body.session).toEqual(first.session);
      expect(again.body.room.id).toBe(first.room.id);

      const keyed = await createSession(t, users.alice, { sessionKey: 'support' });
      expect(keyed.session.id).not.toBe(first.session.id);
      const keyedAgain = await t.http
        .post('/v1/agent-sessions')
        .set(users.alice.auth)
        .send({ agentId: 'echo', sessionKey: 'support' });
      expectStatus(keyedAgain, 200);
      expect(keyedAgain.body.session.id).toBe(keyed.session.id);
      expect(await roomCount(t, tenantId)).toBe(2);
    });

    it('keeps sessions of different profiles apart', async () => {
      const { users } = makeTenant('alice', 'bob');
      const a = await createSession(t, users.alice);
      const b = await createSession(t, users.bob);
      expect(b.session.id).not.toBe(a.session.id);
    });

    it('lets concurrent creates meet on one session and one room', async () => {
      const { tenantId, users } = makeTenant('alice');
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.http
            .post('/v1/agent-sessions')
            .set(users.alice.auth)
            .send({ agentId: 'echo', sessionKey: 'k' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(11);
      expect(new Set(results.map((r) => r.body.session.id)).size).toBe(1);
      expect(await roomCount(t, tenantId)).toBe(1);
    });

    it('starts a new session once the old one is closed', async () => {
      const { users } = makeTenant('alice');
      const first = await createSession(t, users.alice);
      await t.http
        .post(`/v1/agent-sessions/${first.session.id}/close`)
        .set(users.alice.auth)
        .expect(200);
      const second = await createSession(t, users.alice);
      expect(second.session.id).not.toBe(first.session.id);
      expect(second.room.id).not.toBe(first.room.id);
    });
  });

  describe('reading sessions', () => {
    it('lists only the actor’s sessions, newest first, in pages', async () => {
      const { users } = makeTenant('alice', 'bob');
      const a1 = await createSession(t, users.alice, { sessionKey: '1' });
      const a2 = await createSession(t, users.alice, { sessionKey: '2' });
      const a3 = await createSession(t, users.alice, { sessionKey: '3' });
      await createSession(t, users.bob);
      const page1 = await t.http.get('/v1/agent-sessions?limit=2').set(users.alice.auth);
      expectStatus(page1, 200);
      expect(page1.body).toMatchObject({ hasMore: true });
      expect(page1.body.items.map((s: SessionBody) => s.id)).toEqual([
        a3.session.id,
        a2.session.id,
      ]);
      const page2 = await t.http
        .get(`/v1/agent-sessions?limit=2&cursor=${page1.body.nextCursor}`)
        .set(users.alice.auth);
      expect(page2.body).toMatchObject({ items: [a1.session], hasMore: false });
      const other = await t.http.get('/v1/agent-sessions').set(inOtherTenant(users.alice).auth);
      expect(other.body).toMatchObject({ items: [], hasMore: false });
      expectError(
        await t.http.get('/v1/agent-sessions?limit=201').set(users.alice.auth),
        400,
        'validation_failed',
      );
    });

    it('pages sessions created in the same millisecond without a miss, and refuses a forged cursor', async () => {
      const { tenantId, users } = makeTenant('alice');
      const made = await Promise.all(
        ['1', '2', '3', '4'].map((sessionKey) => createSession(t, users.alice, { sessionKey })),
      );
      // Four creation times that differ only in their microseconds.
      await db(t).query(
        `UPDATE agent_sessions SET created_at = '2026-01-01T00:00:00.000001Z'::timestamptz
                                               + (random() * interval '0.0009 second')
          WHERE tenant_id = $1`,
        [tenantId],
      );
      const seen: string[] = [];
      let url = '/v1/agent-sessions?limit=1';
      for (let i = 0; i < 10; i++) {
        const res = await t.http.get(url).set(users.alice.auth);
        expectStatus(res, 200);
        seen.push(...res.body.items.map((s: SessionBody) => s.id));
        if (!res.body.hasMore) break;
        url = `/v1/agent-sessions?limit=1&cursor=${res.body.nextCursor}`;
      }
      expect(seen.sort()).toEqual(made.map((m) => m.session.id).sort());
      const forged = Buffer.from(JSON.stringify(['2026-02-30T00:00:00.000000Z', 'x'])).toString(
        'base64url',
      );
      expectError(
        await t.http.get(`/v1/agent-sessions?cursor=${forged}`).set(users.alice.auth),
        400,
        'validation_failed',
      );
    });

    it('gets a session for its participant only; anyone else gets 404 session_not_found', async () => {
      const { users } = makeTenant('alice', 'bob');
      const { session } = await createSession(t, users.alice);
      expect(await getSession(t, users.alice, session.id)).toEqual(session);
      const strangers: User[] = [users.bob, inOtherTenant(users.alice)];
      for (const stranger of strangers) {
        const url = `/v1/agent-sessions/${session.id}`;
        expectError(await t.http.get(url).set(stranger.auth), 404, 'session_not_found');
        expectError(
          await t.http.patch(url).set(stranger.auth).send({ systemPrompt: 'x' }),
          404,
          'session_not_found',
        );
        expectError(await t.http.post(`${url}/close`).set(stranger.auth), 404, 'session_not_found');
        expectError(await say(t, stranger, session.id, 'hi'), 404, 'session_not_found');
      }
      expectError(
        await t.http.get(`/v1/agent-sessions/${UNKNOWN_ROOM_ID}`).set(users.alice.auth),
        404,
        'session_not_found',
      );
      expectError(
        await t.http.get('/v1/agent-sessions/not-a-uuid').set(users.alice.auth),
        400,
        'invalid_id',
      );
      expect((await getSession(t, users.alice, session.id)).status).toBe('active');
    });
  });

  describe('PATCH /v1/agent-sessions/:id', () => {
    it('replaces allowedTools wholesale and sets or clears the system prompt', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice, {
        allowedTools: ['clock.now'],
      });
      const url = `/v1/agent-sessions/${session.id}`;
      const res = await t.http
        .patch(url)
        .set(users.alice.auth)
        .send({ allowedTools: ['text.word_count'], systemPrompt: 'Count' });
      expectStatus(res, 200);
      expect(res.body).toEqual({
        ...session,
        allowedTools: ['text.word_count'],
        systemPrompt: 'Count',
      });
      const cleared = await t.http
        .patch(url)
        .set(users.alice.auth)
        .send({ allowedTools: [], systemPrompt: null });
      expect(cleared.body).toEqual({ ...session, allowedTools: [], systemPrompt: null });
      const events = await sessionEvents(t, tenantId, room.id);
      expect(events.map((e) => e.data)).toEqual([
        { ...session, allowedTools: ['text.word_count'], systemPrompt: 'Count' },
        { ...session, allowedTools: [], systemPrompt: null },
      ]);
    });

    it('refuses undeclared tools and fields it does not change', async () => {
      const { users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, { allowedTools: ['clock.now'] });
      const url = `/v1/agent-sessions/${session.id}`;
      expectError(
        await t.http
          .patch(url)
          .set(users.alice.auth)
          .send({ allowedTools: ['CLOCK.NOW'] }),
        400,
        'tool_not_available',
      );
      for (const body of [
        { maxMessages: 100 },
        { status: 'active' },
        { agentId: 'echo' },
        { allowedTools: null },
      ]) {
        expectError(
          await t.http.patch(url).set(users.alice.auth).send(body),
          400,
          'validation_failed',
        );
      }
      expect(await getSession(t, users.alice, session.id)).toEqual(session);
    });
  });

  describe('closing', () => {
    it('closes once, announces once, and refuses messages after with 409 session_inactive', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice);
      const res = await t.http.post(`/v1/agent-sessions/${session.id}/close`).set(users.alice.auth);
      expectStatus(res, 200);
      const closed = res.body as SessionBody;
      expect(closed).toEqual({
        ...session,
        status: 'closed',
        isActive: false,
        inactiveReason: 'closed',
        closedAt: expect.stringMatching(ISO_UTC),
      });
      const again = await t.http
        .post(`/v1/agent-sessions/${session.id}/close`)
        .set(users.alice.auth);
      expectStatus(again, 200);
      expect(again.body).toEqual(closed);
      expect((await sessionEvents(t, tenantId, room.id)).map((e) => e.data)).toEqual([closed]);

      expectError(await say(t, users.alice, session.id, 'hello?'), 409, 'session_inactive');
      const plain = await t.http
        .post(`/v1/rooms/${room.id}/messages`)
        .set(users.alice.auth)
        .send({ content: 'hello?' });
      expectError(plain, 409, 'session_inactive');
      expect(await storedMessages(t, tenantId, room.id)).toEqual([]);
    });
  });

  describe('messages', () => {
    it('stores a user message tagged with the session; a repeated clientMessageId answers 200', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice);
      const url = `/v1/agent-sessions/${session.id}/messages`;
      const res = await t.http
        .post(url)
        .set(users.alice.auth)
        .send({ content: 'hi', clientMessageId: 'm1' });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({
        roomId: room.id,
        senderProfileId: users.alice.profileId,
        role: 'user',
        messageType: 'text',
        content: 'hi',
        agentSessionId: session.id,
        toolCallData: null,
        clientMessageId: 'm1',
      });
      const repeat = await t.http
        .post(url)
        .set(users.alice.auth)
        .send({ content: 'hi', clientMessageId: 'm1' });
      expectStatus(repeat, 200);
      expect(repeat.body.id).toBe(res.body.id);
      await turnsDone(t);
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ['user', 'hi'],
        ['assistant', 'hi'],
      ]);
    });

    it.each([
      ['no content', {}],
      ['empty content', { content: '' }],
      ['a role', { content: 'x', role: 'assistant' }],
      ['tool data', { content: 'x', toolCallData: { name: 'clock.now' } }],
      ['a message type', { content: 'x', messageType: 'tool_call' }],
      ['a sender', { content: 'x', senderProfileId: 'agent:echo' }],
    ])('answers %s with 400 and stores nothing', async (_label, body) => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice);
      const res = await t.http
        .post(`/v1/agent-sessions/${session.id}/messages`)
        .set(users.alice.auth)
        .send(body);
      expectError(res, 400, 'validation_failed');
      expect(await storedMessages(t, tenantId, room.id)).toEqual([]);
    });
  });

  describe('budgets', () => {
    it('stores exactly maxMessages messages out of fifty concurrent sends, replies included', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice, { maxMessages: 10 });
      const sends = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? say(t, users.alice, session.id, `m${i}`)
          : t.http
              .post(`/v1/rooms/${room.id}/messages`)
              .set(users.alice.auth)
              .send({ content: `m${i}` }),
      );
      const results = await Promise.all(sends);
      await turnsDone(t);
      const accepted = results.filter((r) => r.status === 201);
      for (const r of results.filter((x) => x.status !== 201))
        expectError(r, 409, 'session_inactive');
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored).toHaveLength(10);
      expect(stored.every((m) => m.agent_session_id === session.id)).toBe(true);
      expect(stored.filter((m) => m.role === 'user')).toHaveLength(accepted.length);
      expect(new Set(stored.map((m) => m.seq)).size).toBe(10);
      const after = await getSession(t, users.alice, session.id);
      expect(after).toMatchObject({
        messageCount: 10,
        status: 'expired',
        isActive: false,
        inactiveReason: 'message_budget',
        closedAt: expect.stringMatching(ISO_UTC),
      });
      const events = await sessionEvents(t, tenantId, room.id);
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ status: 'expired', inactiveReason: 'message_budget' });
    });

    it('counts user, assistant and tool messages alike', async () => {
      const { users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, { allowedTools: ['clock.now'] });
      await say(t, users.alice, session.id, 'one').expect(201);
      await turnsDone(t);
      expect((await getSession(t, users.alice, session.id)).messageCount).toBe(2);
      await say(t, users.alice, session.id, '/tool clock.now {}').expect(201);
      await turnsDone(t);
      expect((await getSession(t, users.alice, session.id)).messageCount).toBe(6);
    });

    it('expires when the user message takes the last of the budget, and announces it', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice, { maxMessages: 1 });
      await say(t, users.alice, session.id, 'only one').expect(201);
      await turnsDone(t);
      expect((await storedMessages(t, tenantId, room.id)).map((m) => m.role)).toEqual(['user']);
      const events = await sessionEvents(t, tenantId, room.id);
      expect(events.map((e) => e.data)).toEqual([
        expect.objectContaining({
          status: 'expired',
          inactiveReason: 'message_budget',
          messageCount: 1,
        }),
      ]);
      expectError(await say(t, users.alice, session.id, 'two'), 409, 'session_inactive');
    });

    it('expires after ttlSeconds: 409 on use, and the sweep announces it', async () => {
      const { tenantId, users } = makeTenant('alice', 'bob');
      const a = await createSession(t, users.alice, { ttlSeconds: 1 });
      const b = await createSession(t, users.bob, { ttlSeconds: 1 });
      await sleep(1200);
      expectError(await say(t, users.alice, a.session.id, 'late'), 409, 'session_inactive');
      expect(await getSession(t, users.alice, a.session.id)).toMatchObject({
        status: 'expired',
        isActive: false,
        inactiveReason: 'expired',
      });
      const swept = await eventually(async () => {
        const events = await sessionEvents(t, tenantId, b.room.id);
        return events.length > 0 ? events : undefined;
      });
      expect(swept).toHaveLength(1);
      expect(swept[0].data).toMatchObject({
        id: b.session.id,
        status: 'expired',
        inactiveReason: 'expired',
      });
      expect(await sessionEvents(t, tenantId, a.room.id)).toHaveLength(1);
      expect(await storedMessages(t, tenantId, a.room.id)).toEqual([]);
    });

    it('charges the tokens the agent reports and expires at maxTokens', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice, { maxTokens: 10 });
      await say(t, users.alice, session.id, 'one two three').expect(201);
      await turnsDone(t);
      // echo counts words: three in, three out.
      expect(await getSession(t, users.alice, session.id)).toMatchObject({
        totalTokensUsed: 6,
        isActive: true,
      });
      await say(t, users.alice, session.id, 'four five six').expect(201);
      await turnsDone(t);
      expect(await getSession(t, users.alice, session.id)).toMatchObject({
        totalTokensUsed: 12,
        status: 'expired',
        isActive: false,
        inactiveReason: 'token_budget',
      });
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      const events = await sessionEvents(t, tenantId, room.id);
      expect(events.map((e) => e.data)).toEqual([
        expect.objectContaining({ inactiveReason: 'token_budget' }),
      ]);
      expectError(await say(t, users.alice, session.id, 'more'), 409, 'session_inactive');
    });
  });

  it('never shows the session context in a response or an event', async () => {
    const { tenantId, users } = makeTenant('alice');
    const created = await createSession(t, users.alice);
    const id = created.session.id;
    await say(t, users.alice, id, 'remember me').expect(201);
    await turnsDone(t);
    const [row]: { session_context: Record<string, unknown> }[] = await db(t).query(
      `SELECT session_context FROM agent_sessions WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    expect(row.session_context).toEqual({ echoTurns: 1 });
    const bodies = [
      created,
      await getSession(t, users.alice, id),
      (await t.http.get('/v1/agent-sessions').set(users.alice.auth)).body,
      (
        await t.http
          .patch(`/v1/agent-sessions/${id}`)
          .set(users.alice.auth)
          .send({ systemPrompt: 'p' })
      ).body,
      (await t.http.post(`/v1/agent-sessions/${id}/close`).set(users.alice.auth)).body,
      (await t.http.get(`/v1/rooms/${created.room.id}/events`).set(users.alice.auth)).body,
      (await t.http.get(`/v1/rooms/${created.room.id}/messages`).set(users.alice.auth)).body,
      await roomEvents(t, tenantId, created.room.id),
    ];
    for (const body of bodies) {
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/sessionContext|session_context|echoTurns/);
    }
  });
});
