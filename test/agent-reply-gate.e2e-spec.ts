import { randomUUID } from 'node:crypto';
import { AGENT_REPLY_INSERT_SQL } from '../src/agents/runtime/agent-reply.sql';
import { createSession, startAgentApp, storedMessages } from './support/agents';
import { db } from './support/rooms';
import { makeTenant, TestApp } from './support/test-app';

/**
 * The reply statement enforces the tool gate itself, so a session changed between the writer's read
 * and its write still refuses. These tests run the statement as the writer does, against stored lists.
 */
describe('the agent reply statement’s own tool gate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAgentApp();
  });
  afterAll(() => t.close());

  async function sessionWithList(storedList: string) {
    const { tenantId, users } = makeTenant('alice');
    const { session } = await createSession(t, users.alice);
    await db(t).query(
      `UPDATE agent_sessions SET allowed_tools = $3::jsonb WHERE tenant_id = $1 AND id = $2`,
      [tenantId, session.id, storedList],
    );
    return { tenantId, session };
  }

  async function writeToolCall(
    tenantId: string,
    session: { id: string; chatRoomId: string },
    name: string | null,
  ) {
    const id = randomUUID();
    const data = JSON.stringify({ name, input: {}, callId: 'c1' });
    return db(t).query(AGENT_REPLY_INSERT_SQL, [
      tenantId,
      session.chatRoomId,
      'agent:echo',
      id,
      name === null ? 'text' : 'tool_call',
      '',
      name === null ? null : data,
      session.id,
      new Date(),
      0,
      JSON.stringify({ id }),
      name,
    ]);
  }

  it.each([
    ['the name in the list', '["clock.now"]', 'clock.now', 1],
    ['a name not in the list', '["text.word_count"]', 'clock.now', 0],
    ['an empty list', '[]', 'clock.now', 0],
    ['a list that is a string', '"clock.now"', 'clock.now', 0],
    ['a list that is an object', '{"clock.now": true}', 'clock.now', 0],
    ['a list with a non-string element', '["clock.now", 1]', 'clock.now', 0],
    ['a list that is null', 'null', 'clock.now', 0],
    ['a name differing in case', '["Clock.now"]', 'clock.now', 0],
    ['a name with surrounding spaces', '[" clock.now "]', 'clock.now', 0],
    ['a look-alike letter (Cyrillic с)', '["\u0441lock.now"]', 'clock.now', 0],
  ])('%s: %s stores %s row(s)', async (_label, list, name, rows) => {
    const { tenantId, session } = await sessionWithList(list);
    const before = (await storedMessages(t, tenantId, session.chatRoomId)).length;
    expect(await writeToolCall(tenantId, session, name)).toHaveLength(rows);
    const after = await storedMessages(t, tenantId, session.chatRoomId);
    expect(after).toHaveLength(before + rows);
    if (rows) expect(after.at(-1)).toMatchObject({ role: 'assistant', message_type: 'tool_call' });
  });

  it('stores a plain assistant reply whatever the list holds', async () => {
    const { tenantId, session } = await sessionWithList('"unreadable"');
    expect(await writeToolCall(tenantId, session, null)).toHaveLength(1);
  });
});
