import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { AgentRuntimeModule } from '../src/agents/runtime/agent-runtime.module';
import {
  AGENT_REPLY_WRITER,
  AgentReply,
  AgentReplyWriter,
  ReplyRefused,
} from '../src/agents/runtime/agent-reply-writer';
import { ChatService } from '../src/chat/chat.service';
import { createSession, startAgentApp, storedMessages, turnsDone } from './support/agents';
import { db, expectError } from './support/rooms';
import { makeTenant, TestApp } from './support/test-app';

const SRC = join(__dirname, '..', 'src');
const WRITER_SQL = 'agents/runtime/agent-reply.sql.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Tokens a class asks Nest for: its constructor types and its @Inject() tokens. */
function injectedTokens(metatype: unknown): unknown[] {
  if (typeof metatype !== 'function') return [];
  const types = (Reflect.getMetadata('design:paramtypes', metatype) as unknown[] | undefined) ?? [];
  const explicit =
    (Reflect.getMetadata('self:paramtypes', metatype) as { param: unknown }[] | undefined) ?? [];
  return [...types, ...explicit.map((p) => p.param)];
}

const AGENT_SHAPED: [string, Record<string, unknown>][] = [
  ['role assistant', { role: 'assistant' }],
  ['role tool', { role: 'tool' }],
  ['tool call data', { toolCallData: { name: 'clock.now', input: {}, callId: 'c1' } }],
  ['messageType tool_call', { messageType: 'tool_call' }],
  ['messageType tool_result', { messageType: 'tool_result' }],
  ['messageType system', { messageType: 'system' }],
  ['an agent sender', { senderProfileId: 'agent:echo' }],
  ['a session id', { agentSessionId: '01900000-0000-7000-8000-000000000000' }],
];

describe('only the agent runtime writes agent messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAgentApp();
  });
  afterAll(() => t.close());

  describe('AgentReplyWriter is reachable from AgentRuntimeModule only', () => {
    it('cannot be resolved by its class from anywhere', () => {
      expect(() => t.app.get(AgentReplyWriter, { strict: false })).toThrow();
      expect(() => t.app.get(AgentReplyWriter)).toThrow();
    });

    it('resolves by its token inside AgentRuntimeModule and in no other module', () => {
      expect(t.app.select(AgentRuntimeModule).get(AGENT_REPLY_WRITER)).toBeInstanceOf(
        AgentReplyWriter,
      );
      const modules = [...t.app.get(ModulesContainer).values()].filter(
        (m) => m.metatype !== AgentRuntimeModule,
      );
      expect(modules.length).toBeGreaterThan(5);
      for (const module of modules) {
        expect(() =>
          t.app.select(module.metatype).get(AGENT_REPLY_WRITER, { strict: true }),
        ).toThrow();
      }
    });

    it('is not exported by AgentRuntimeModule', () => {
      const exported = (Reflect.getMetadata('exports', AgentRuntimeModule) as unknown[]) ?? [];
      expect(exported).not.toContain(AgentReplyWriter);
      expect(exported).not.toContain(AGENT_REPLY_WRITER);
    });

    it('is injected into no controller, gateway or provider outside AgentRuntimeModule', () => {
      for (const module of t.app.get(ModulesContainer).values()) {
        if (module.metatype === AgentRuntimeModule) continue;
        const classes = [...module.providers.values(), ...module.controllers.values()].map(
          (w) => w.metatype,
        );
        for (const metatype of classes) {
          expect(metatype).not.toBe(AgentReplyWriter);
          const tokens = injectedTokens(metatype);
          expect(tokens).not.toContain(AgentReplyWriter);
          expect(tokens).not.toContain(AGENT_REPLY_WRITER);
        }
      }
    });

    it('is imported by no source file outside src/agents/runtime', () => {
      const importers = sourceFiles(SRC)
        .filter((f) => /agent-reply-writer|agent-reply\.sql/.test(readFileSync(f, 'utf8')))
        .map((f) => relative(SRC, f));
      expect(importers.length).toBeGreaterThan(0);
      expect(importers.filter((f) => !f.startsWith('agents/runtime/'))).toEqual([]);
    });
  });

  it('has one statement that can store assistant or tool messages: the writer’s', () => {
    const inserting = sourceFiles(SRC)
      .map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }))
      .filter(({ text }) => /insert\s+into\s+chat_messages/i.test(text));
    expect(inserting.map((f) => f.file)).toContain(WRITER_SQL);
    expect(inserting.map((f) => f.file)).toContain('messages/user-message.sql.ts');
    for (const { file, text } of inserting) {
      if (file === WRITER_SQL) continue;
      expect({ file, agentRole: /'(assistant|tool)'/.test(text) }).toEqual({
        file,
        agentRole: false,
      });
      expect({ file, userRole: text.includes("'user'") }).toEqual({ file, userRole: true });
    }
    // Nothing else reaches chat_messages through an ORM entity either.
    const entities = sourceFiles(SRC).filter((f) =>
      /@Entity\(\s*['"]chat_messages['"]/.test(readFileSync(f, 'utf8')),
    );
    expect(entities).toEqual([]);
  });

  describe('every route and the facade store agent-shaped input as nothing', () => {
    it.each(AGENT_SHAPED)('POST /v1/rooms/:id/messages with %s: 400', async (_l, extra) => {
      const { tenantId, users } = makeTenant('alice');
      const { room } = await createSession(t, users.alice);
      const res = await t.http
        .post(`/v1/rooms/${room.id}/messages`)
        .set(users.alice.auth)
        .send({ content: 'x', ...extra });
      expectError(res, 400, 'validation_failed');
      expect(await storedMessages(t, tenantId, room.id)).toEqual([]);
    });

    it.each(AGENT_SHAPED)(
      'POST /v1/agent-sessions/:id/messages with %s: 400',
      async (_l, extra) => {
        const { tenantId, users } = makeTenant('alice');
        const { session, room } = await createSession(t, users.alice);
        const res = await t.http
          .post(`/v1/agent-sessions/${session.id}/messages`)
          .set(users.alice.auth)
          .send({ content: 'x', ...extra });
        expectError(res, 400, 'validation_failed');
        expect(await storedMessages(t, tenantId, room.id)).toEqual([]);
      },
    );

    it.each(AGENT_SHAPED)('PATCH a message with %s: 400', async (_l, extra) => {
      const { tenantId, users } = makeTenant('alice');
      const { session, room } = await createSession(t, users.alice);
      const sent = await t.http
        .post(`/v1/agent-sessions/${session.id}/messages`)
        .set(users.alice.auth)
        .send({ content: 'mine' })
        .expect(201);
      await turnsDone(t);
      const res = await t.http
        .patch(`/v1/rooms/${room.id}/messages/${sent.body.id}`)
        .set(users.alice.auth)
        .send({ content: 'x', ...extra });
      expectError(res, 400, 'validation_failed');
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored.find((m) => m.sender_profile_id === users.alice.profileId)).toMatchObject({
        role: 'user',
        content: 'mine',
        tool_call_data: null,
      });
    });

    it.each(AGENT_SHAPED)('the facade with %s: 400', async (_l, extra) => {
      const { tenantId, users } = makeTenant('alice');
      const chat = t.app.get(ChatService);
      const actor = { tenantId, actorProfileId: users.alice.profileId };
      const { session, room } = await chat.createAgentSession({ ...actor, agentId: 'echo' });
      // agentSessionId is this method's own parameter, so that case names another session: a 404.
      await expect(
        chat.sendAgentUserMessage({
          ...actor,
          agentSessionId: session.id,
          content: 'x',
          ...extra,
        } as unknown as Parameters<ChatService['sendAgentUserMessage']>[0]),
      ).rejects.toMatchObject({
        code: 'agentSessionId' in extra ? 'session_not_found' : 'validation_failed',
      });
      await expect(
        chat.sendMessage({
          ...actor,
          roomId: room.id,
          message: { content: 'x', ...extra },
        } as unknown as Parameters<ChatService['sendMessage']>[0]),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      expect(await storedMessages(t, tenantId, room.id)).toEqual([]);
    });

    it('the facade cannot act as an agent', async () => {
      const { tenantId } = makeTenant();
      const chat = t.app.get(ChatService);
      await expect(
        chat.createAgentSession({ tenantId, actorProfileId: 'agent:echo', agentId: 'echo' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    });

    it('a valid facade message is a user message and starts a turn', async () => {
      const { tenantId, users } = makeTenant('alice');
      const chat = t.app.get(ChatService);
      const actor = { tenantId, actorProfileId: users.alice.profileId };
      const { session, room } = await chat.createAgentSession({ ...actor, agentId: 'echo' });
      const { message } = await chat.sendAgentUserMessage({
        ...actor,
        agentSessionId: session.id,
        content: 'from code',
      });
      expect(message).toMatchObject({ role: 'user', senderProfileId: users.alice.profileId });
      await turnsDone(t);
      const stored = await storedMessages(t, tenantId, room.id);
      expect(stored.map((m) => [m.role, m.sender_profile_id])).toEqual([
        ['user', users.alice.profileId],
        ['assistant', 'agent:echo'],
      ]);
      expect(await chat.getAgentSession({ ...actor, agentSessionId: session.id })).toMatchObject({
        messageCount: 2,
      });
      const other = { tenantId, actorProfileId: 'mallory' };
      await expect(
        chat.getAgentSession({ ...other, agentSessionId: session.id }),
      ).rejects.toMatchObject({
        code: 'session_not_found',
      });
      await expect(
        chat.updateAgentSessionConfig({
          ...actor,
          agentSessionId: session.id,
          allowedTools: ['nope'],
        }),
      ).rejects.toMatchObject({ code: 'tool_not_available' });
      expect(await chat.closeAgentSession({ ...actor, agentSessionId: session.id })).toMatchObject({
        status: 'closed',
      });
    });
  });

  describe('the writer checks every write itself', () => {
    let writer: AgentReplyWriter;
    beforeAll(() => {
      writer = t.app.select(AgentRuntimeModule).get(AGENT_REPLY_WRITER);
    });

    async function session(allowedTools: string[] = ['clock.now']) {
      const { tenantId, users } = makeTenant('alice');
      const created = await createSession(t, users.alice, { allowedTools });
      return { tenantId, users, ...created };
    }

    const refusal = (reply: AgentReply) =>
      writer.write(reply).then(
        () => 'stored',
        (err: unknown) => (err instanceof ReplyRefused ? err.reason : String(err)),
      );

    it('stores an allowed tool call and result with the agent as sender and fixed roles', async () => {
      const s = await session();
      const base = { tenantId: s.tenantId, sessionId: s.session.id };
      const call = await writer.write({
        ...base,
        messageType: 'tool_call',
        content: 'c',
        toolCallData: { name: 'clock.now', input: {}, callId: 'k' },
      });
      const result = await writer.write({
        ...base,
        messageType: 'tool_result',
        content: 'r',
        toolCallData: { name: 'clock.now', callId: 'k', output: 1 },
      });
      expect(call).toMatchObject({ role: 'assistant', senderProfileId: 'agent:echo' });
      expect(result).toMatchObject({ role: 'tool', senderProfileId: 'agent:echo' });
      const stored = await storedMessages(t, s.tenantId, s.room.id);
      expect(stored.map((m) => [m.role, m.message_type])).toEqual([
        ['assistant', 'tool_call'],
        ['tool', 'tool_result'],
      ]);
    });

    it('refuses tool messages the gate does not allow, and stores nothing', async () => {
      const s = await session();
      const base = { tenantId: s.tenantId, sessionId: s.session.id, content: 'x' };
      const cases: [AgentReply['messageType'], unknown, string][] = [
        ['tool_call', { name: 'text.word_count' }, 'tool_not_allowed'],
        ['tool_call', { name: 'Clock.now' }, 'tool_not_allowed'],
        ['tool_call', { name: 'clock.now ' }, 'tool_not_allowed'],
        ['tool_call', { name: '\u0441lock.now' }, 'tool_not_allowed'],
        ['tool_call', { name: 'clock.now\u0000' }, 'tool_not_allowed'],
        ['tool_result', { name: 'text.word_count', output: 1 }, 'tool_not_allowed'],
        ['tool_call', { name: 123 }, 'tool_name_missing'],
        ['tool_call', {}, 'tool_name_missing'],
        ['tool_call', null, 'tool_name_missing'],
        ['tool_result', null, 'tool_name_missing'],
        ['text', {}, 'tool_name_missing'],
        ['text', { name: 'shell.exec' }, 'tool_not_allowed'],
      ];
      for (const [messageType, toolCallData, reason] of cases) {
        const reply = { ...base, messageType, toolCallData } as AgentReply;
        expect({ messageType, toolCallData, got: await refusal(reply) }).toEqual({
          messageType,
          toolCallData,
          got: reason,
        });
      }
      const cyclic: Record<string, unknown> = { name: 'clock.now' };
      cyclic.self = cyclic;
      expect(await refusal({ ...base, messageType: 'tool_call', toolCallData: cyclic })).toBe(
        'tool_name_missing',
      );
      expect(await storedMessages(t, s.tenantId, s.room.id)).toEqual([]);
    });

    it('checks the name it stores, read once', async () => {
      const s = await session();
      let reads = 0;
      const shifty = {
        get name() {
          reads += 1;
          return reads === 1 ? 'clock.now' : 'shell.exec';
        },
      };
      const got = await refusal({
        tenantId: s.tenantId,
        sessionId: s.session.id,
        messageType: 'tool_call',
        content: 'x',
        toolCallData: shifty,
      });
      const stored = await storedMessages(t, s.tenantId, s.room.id);
      expect(got).toBe('stored');
      expect(stored.map((m) => m.tool_call_data?.name)).toEqual(['clock.now']);
    });

    it('refuses everything when the stored list is unreadable', async () => {
      const s = await session();
      for (const broken of ['"clock.now"', '{"a": "clock.now"}', '["clock.now", 1]', 'null']) {
        await db(t).query(
          `UPDATE agent_sessions SET allowed_tools = $3::jsonb WHERE tenant_id = $1 AND id = $2`,
          [s.tenantId, s.session.id, broken],
        );
        expect(
          await refusal({
            tenantId: s.tenantId,
            sessionId: s.session.id,
            messageType: 'tool_call',
            content: 'x',
            toolCallData: { name: 'clock.now' },
          }),
        ).toBe('tool_not_allowed');
      }
    });

    it('refuses writes to an inactive, foreign or unknown session', async () => {
      const s = await session();
      const reply = { messageType: 'text' as const, content: 'hi' };
      expect(await refusal({ ...reply, tenantId: 'other-tenant', sessionId: s.session.id })).toBe(
        'session_not_found',
      );
      await t.http.post(`/v1/agent-sessions/${s.session.id}/close`).set(s.users.alice.auth);
      expect(await refusal({ ...reply, tenantId: s.tenantId, sessionId: s.session.id })).toBe(
        'session_inactive',
      );
      expect(await storedMessages(t, s.tenantId, s.room.id)).toEqual([]);
    });

    it('refuses when the agent is no longer a participant of the room', async () => {
      const s = await session();
      // The API refuses to remove the agent from its room; a row changed by hand must still stop it.
      await db(t).query(
        `UPDATE chat_participants SET status = 'left'
          WHERE tenant_id = $1 AND room_id = $2 AND profile_id = 'agent:echo'`,
        [s.tenantId, s.room.id],
      );
      expect(
        await refusal({
          tenantId: s.tenantId,
          sessionId: s.session.id,
          messageType: 'text',
          content: 'hi',
        }),
      ).toBe('agent_not_participant');
      expect(await storedMessages(t, s.tenantId, s.room.id)).toEqual([]);
    });

    it('stores text PostgreSQL would refuse in a cleaned form instead of failing', async () => {
      const s = await session();
      const message = await writer.write({
        tenantId: s.tenantId,
        sessionId: s.session.id,
        messageType: 'text',
        content: 'a\u0000b\ud800c',
      });
      expect(message.content).toBe('ab\ufffdc');
    });
  });
});
