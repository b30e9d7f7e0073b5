import { AgentStreamEvent } from '../src/events/agent-stream-event';
import {
  createSession,
  getSession,
  recordAgentStream,
  say,
  startAgentApp,
  storedMessages,
  turnsDone,
} from './support/agents';
import { db, expectStatus, User } from './support/rooms';
import {
  RecordingTool,
  ScriptedAgent,
  SECRET,
  ScriptedAgentModule,
} from './support/scripted-agent';
import { makeTenant, TestApp } from './support/test-app';

type Payload<K extends AgentStreamEvent['kind']> = Extract<
  AgentStreamEvent,
  { kind: K }
>['payload'];

const deltasOf = (events: AgentStreamEvent[]) =>
  events
    .filter(
      (e): e is Extract<AgentStreamEvent, { kind: 'agent.delta' }> => e.kind === 'agent.delta',
    )
    .map((e) => e.payload);
const turnsOf = (events: AgentStreamEvent[]) =>
  events
    .filter((e): e is Extract<AgentStreamEvent, { kind: 'agent.turn' }> => e.kind === 'agent.turn')
    .map((e) => e.payload);

describe('agent runtime', () => {
  let t: TestApp;
  let recorder: RecordingTool;
  let stream: ReturnType<typeof recordAgentStream>;

  beforeAll(async () => {
    t = await startAgentApp({ imports: [ScriptedAgentModule], limits: { deadlineMs: 1500 } });
    recorder = t.app.get(RecordingTool);
    stream = recordAgentStream(t);
  });
  afterAll(async () => {
    stream.stop();
    await t.close();
  });

  /** Sends `content` in a fresh session and waits for its turn; returns what was stored and streamed. */
  async function turn(
    user: User,
    session: { id: string; chatRoomId: string },
    tenantId: string,
    content: string,
  ) {
    const res = await say(t, user, session.id, content);
    expectStatus(res, 201);
    await turnsDone(t);
    const events = stream.of(session.id);
    return { stored: await storedMessages(t, tenantId, session.chatRoomId), events };
  }

  describe('echo', () => {
    it('stores one assistant message with the user text; the deltas spell it; the turn starts and completes', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice);
      const text = 'The quick  brown fox\njumps — over ✨ the dog';
      const { stored, events } = await turn(users.alice, session, tenantId, text);
      expect(stored.map((m) => [m.role, m.message_type, m.content, m.sender_profile_id])).toEqual([
        ['user', 'text', text, users.alice.profileId],
        ['assistant', 'text', text, 'agent:echo'],
      ]);
      expect(stored[1]).toMatchObject({ agent_session_id: session.id, tool_call_data: null });
      const turns = turnsOf(events);
      expect(turns.map((p) => p.status)).toEqual(['started', 'completed']);
      expect(turns[0].turnId).toBe(turns[1].turnId);
      const deltas = deltasOf(events);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.every((d) => d.turnId === turns[0].turnId && d.sessionId === session.id)).toBe(
        true,
      );
      expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i));
      expect(deltas.map((d) => d.text).join('')).toBe(text);
      const kinds = events.map((e) => (e.kind === 'agent.turn' ? e.payload.status : 'delta'));
      expect(kinds[0]).toBe('started');
      expect(kinds[kinds.length - 1]).toBe('completed');
      expect(events.every((e) => e.roomId === session.chatRoomId && e.tenantId === tenantId)).toBe(
        true,
      );
    });

    it('starts the same turn for a message posted through the plain messages route', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice);
      const res = await t.http
        .post(`/v1/rooms/${room.id}/messages`)
        .set(users.alice.auth)
        .send({ content: 'via room' });
      expectStatus(res, 201);
      expect(res.body.agentSessionId).toBe(session.id);
      await turnsDone(t);
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ['user', 'via room'],
        ['assistant', 'via room'],
      ]);
    });

    it('runs an allowed tool: tool_call, tool_result, then the reply', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, { allowedTools: ['clock.now'] });
      const { stored, events } = await turn(users.alice, session, tenantId, '/tool clock.now {}');
      expect(stored.map((m) => [m.role, m.message_type])).toEqual([
        ['user', 'text'],
        ['assistant', 'tool_call'],
        ['tool', 'tool_result'],
        ['assistant', 'text'],
      ]);
      const [, call, result, reply] = stored;
      expect(call.tool_call_data).toEqual({
        name: 'clock.now',
        input: {},
        callId: expect.any(String),
      });
      expect(result.tool_call_data).toEqual({
        name: 'clock.now',
        callId: call.tool_call_data!.callId,
        output: { now: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      });
      expect([call.sender_profile_id, result.sender_profile_id]).toEqual([
        'agent:echo',
        'agent:echo',
      ]);
      expect(reply.content).toContain('clock.now returned');
      expect(
        deltasOf(events)
          .map((d) => d.text)
          .join(''),
      ).toBe(reply.content);
      expect(turnsOf(events).map((p) => p.status)).toEqual(['started', 'completed']);
    });

    it('refuses a tool that is not allowed: no tool message, and the reply says so', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice);
      const { stored } = await turn(
        users.alice,
        session,
        tenantId,
        '/tool text.word_count {"text":"a b"}',
      );
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(stored[1].content).toMatch(/not allowed/);
    });
  });

  describe('the tool gate, with a recording tool', () => {
    const refused: [string, string][] = [
      ['a name not in the list', '/tool clock.now {}'],
      ['a name differing in case', '/tool Test.record {}'],
      ['a name with a leading space', '/tool " test.record" {}'],
      ['a name with a trailing space', '/tool "test.record " {}'],
      ['a look-alike (Cyrillic е)', '/tool t\u0435st.record {}'],
      ['a look-alike (Cyrillic с)', '/tool test.re\u0441ord {}'],
      ['a name that is not a string', '/nonstring'],
    ];

    it.each(refused)('refuses %s: nothing stored, nothing run', async (_label, command) => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.record'],
      });
      const before = recorder.calls.length;
      const { stored, events } = await turn(users.alice, session, tenantId, command);
      expect(recorder.calls.length).toBe(before);
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(stored.some((m) => m.tool_call_data !== null)).toBe(false);
      expect(stored[1].content).toMatch(/^error: Tool .* is not allowed in this session$/);
      expect(turnsOf(events).map((p) => p.status)).toEqual(['started', 'completed']);
    });

    it('runs the call when the exact name is allowed, once', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.record'],
      });
      const before = recorder.calls.length;
      const { stored } = await turn(users.alice, session, tenantId, '/tool test.record {"x":1}');
      expect(recorder.calls.slice(before)).toEqual([{ x: 1 }]);
      expect(stored.map((m) => m.message_type)).toEqual([
        'text',
        'tool_call',
        'tool_result',
        'text',
      ]);
      expect(stored[1].tool_call_data).toMatchObject({ name: 'test.record', input: { x: 1 } });
    });

    it('reads the list at every call: a tool removed by PATCH is refused', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.record'],
      });
      await t.http
        .patch(`/v1/agent-sessions/${session.id}`)
        .set(users.alice.auth)
        .send({ allowedTools: [] })
        .expect(200);
      const before = recorder.calls.length;
      const { stored } = await turn(users.alice, session, tenantId, '/tool test.record {}');
      expect(recorder.calls.length).toBe(before);
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    });

    it('refuses everything when the stored list is unreadable', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.record'],
      });
      for (const broken of [
        '"test.record"',
        '{"0": "test.record"}',
        '["test.record", 1]',
        'null',
      ]) {
        await db(t).query(
          `UPDATE agent_sessions SET allowed_tools = $3::jsonb WHERE tenant_id = $1 AND id = $2`,
          [tenantId, session.id, broken],
        );
        const before = recorder.calls.length;
        await turn(users.alice, session, tenantId, '/tool test.record {}');
        expect(recorder.calls.length).toBe(before);
      }
      const stored = await storedMessages(t, tenantId, session.chatRoomId);
      expect(stored.filter((m) => m.tool_call_data !== null)).toEqual([]);
    });

    it('stores a failing tool as an error result with a generic text', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.fail'],
      });
      const { stored } = await turn(users.alice, session, tenantId, '/tool test.fail {}');
      expect(stored.map((m) => m.message_type)).toEqual([
        'text',
        'tool_call',
        'tool_result',
        'text',
      ]);
      expect(stored[2].tool_call_data).toEqual({
        name: 'test.fail',
        callId: expect.any(String),
        error: 'The tool failed',
      });
      expect(JSON.stringify(stored)).not.toContain('SECRET');
    });
  });

  describe('limits and failures', () => {
    it('stops at the step limit (8) with a failed turn', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        allowedTools: ['test.record'],
      });
      const before = recorder.calls.length;
      const { stored, events } = await turn(users.alice, session, tenantId, '/loop');
      expect(recorder.calls.length - before).toBe(7);
      expect(stored.filter((m) => m.message_type === 'tool_call')).toHaveLength(7);
      expect(stored.filter((m) => m.message_type === 'tool_result')).toHaveLength(7);
      expect(
        stored.filter((m) => m.role === 'assistant' && m.message_type === 'text'),
      ).toHaveLength(0);
      expect(turnsOf(events).map((p) => [p.status, p.error])).toEqual([
        ['started', undefined],
        ['failed', 'The agent reached its step limit'],
      ]);
    });

    it('ends a failing agent with a failed turn and a safe text, storing no reply', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, { agentId: 'scripted' });
      const { stored, events } = await turn(users.alice, session, tenantId, '/crash');
      expect(stored.map((m) => m.role)).toEqual(['user']);
      const turns = turnsOf(events);
      expect(turns.map((p) => p.status)).toEqual(['started', 'failed']);
      expect(turns[1].error).toBe('The agent could not answer');
      expect(JSON.stringify(events)).not.toContain(SECRET);
      const end = events.findIndex((e) => e.kind === 'agent.turn' && e.payload.status === 'failed');
      expect(end).toBe(events.length - 1);
    });

    it('ends a turn at its deadline', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, { agentId: 'scripted' });
      const started = Date.now();
      const { stored, events } = await turn(users.alice, session, tenantId, '/hang');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(stored.map((m) => m.role)).toEqual(['user']);
      expect(turnsOf(events).map((p) => [p.status, p.error])).toEqual([
        ['started', undefined],
        ['failed', 'The agent took too long to answer'],
      ]);
    });

    it('runs the turns of one session one at a time, in order', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice);
      for (const text of ['first', 'second', 'third'])
        await say(t, users.alice, session.id, text).expect(201);
      await turnsDone(t);
      const stored = await storedMessages(t, tenantId, session.chatRoomId);
      expect(stored.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual([
        'first',
        'second',
        'third',
      ]);
      const statuses = turnsOf(stream.of(session.id)).map((p: Payload<'agent.turn'>) => p.status);
      expect(statuses).toEqual([
        'started',
        'completed',
        'started',
        'completed',
        'started',
        'completed',
      ]);
    });

    it('gives the agent the system prompt, the history oldest first and only the allowed tools', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        systemPrompt: 'You are a test',
        allowedTools: ['clock.now'],
      });
      await turn(users.alice, session, tenantId, 'hello');
      const { stored } = await turn(users.alice, session, tenantId, '/inspect');
      expect(JSON.parse(stored[stored.length - 1].content)).toEqual({
        systemPrompt: 'You are a test',
        messages: ['user:hello', 'assistant:hello', 'user:/inspect'],
        tools: ['clock.now'],
        step: 1,
      });
    });

    it('charges reported usage to the session', async () => {
      const { tenantId, users } = makeTenant('alice');
      const { session } = await createSession(t, users.alice, {
        agentId: 'scripted',
        maxTokens: 1000,
      });
      await turn(users.alice, session, tenantId, '/usage 250');
      expect(await getSession(t, users.alice, session.id)).toMatchObject({
        totalTokensUsed: 250,
        isActive: true,
      });
      await turn(users.alice, session, tenantId, '/usage 750');
      expect(await getSession(t, users.alice, session.id)).toMatchObject({
        totalTokensUsed: 1000,
        status: 'expired',
        inactiveReason: 'token_budget',
      });
      const agent = t.app.get(ScriptedAgent);
      expect(agent.inputs.length).toBeGreaterThan(0);
    });
  });
});
