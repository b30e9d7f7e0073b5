import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
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
import { expectStatus } from './support/rooms';
import { makeTenant, TestApp } from './support/test-app';

interface Seen {
  path: string;
  authorization?: string;
  body: {
    model: string;
    stream: boolean;
    stream_options?: { include_usage?: boolean };
    messages: Record<string, unknown>[];
    tools?: { type: string; function: { name: string; description: string } }[];
  };
}

type Reply = (res: ServerResponse) => void;

const sse =
  (chunks: unknown[]): Reply =>
  (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end('data: [DONE]\n\n');
  };

const text = (content: string) => ({
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});
const usage = (total: number) => ({
  choices: [],
  usage: { prompt_tokens: total - 2, completion_tokens: 2, total_tokens: total },
});
const toolCall = (index: number, part: Record<string, unknown>) => ({
  choices: [{ index: 0, delta: { tool_calls: [{ index, ...part }] }, finish_reason: null }],
});

/** A chat-completions server that answers each request with the next scripted reply. */
class FakeModel {
  readonly seen: Seen[] = [];
  readonly replies: Reply[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        this.seen.push({
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: JSON.parse(raw) as Seen['body'],
        });
        const reply = this.replies.shift();
        if (reply) reply(res);
        else res.writeHead(500).end('no reply scripted');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('the OpenAI-compatible agent', () => {
  let t: TestApp;
  let model: FakeModel;
  let stream: ReturnType<typeof recordAgentStream>;

  beforeAll(async () => {
    model = new FakeModel();
    const url = await model.start();
    t = await startAgentApp({
      env: { LLM_BASE_URL: url, LLM_MODEL: 'test-model', LLM_API_KEY: 'sk-test' },
    });
    stream = recordAgentStream(t);
  });
  afterAll(async () => {
    stream.stop();
    await t.close();
    await model.stop();
  });
  beforeEach(() => {
    model.seen.length = 0;
    model.replies.length = 0;
  });

  it('is registered when configured', async () => {
    const { users } = makeTenant('alice');
    const res = await t.http.get('/v1/agents').set(users.alice.auth);
    expect(res.body.items.map((a: { id: string }) => a.id)).toEqual(['echo', 'llm']);
  });

  it('streams text deltas into one stored reply and charges the usage', async () => {
    const { tenantId, users } = makeTenant('alice');
    const { session, room } = await createSession(t, users.alice, {
      agentId: 'llm',
      systemPrompt: 'Be kind',
    });
    model.replies.push(sse([text('Hel'), text('lo, '), text('world'), usage(17)]));
    expectStatus(await say(t, users.alice, session.id, 'Hi there'), 201);
    await turnsDone(t);

    expect(model.seen).toHaveLength(1);
    const [request] = model.seen;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.authorization).toBe('Bearer sk-test');
    expect(request.body).toMatchObject({
      model: 'test-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be kind' },
        { role: 'user', content: 'Hi there' },
      ],
    });
    expect(request.body.tools).toBeUndefined();

    const stored = await storedMessages(t, tenantId, room.id);
    expect(stored.map((m) => [m.role, m.content, m.sender_profile_id])).toEqual([
      ['user', 'Hi there', users.alice.profileId],
      ['assistant', 'Hello, world', 'agent:llm'],
    ]);
    const deltas = stream
      .of(session.id)
      .filter(
        (e): e is Extract<AgentStreamEvent, { kind: 'agent.delta' }> => e.kind === 'agent.delta',
      )
      .map((e) => e.payload);
    expect(deltas.map((d) => [d.index, d.text])).toEqual([
      [0, 'Hel'],
      [1, 'lo, '],
      [2, 'world'],
    ]);
    expect(await getSession(t, users.alice, session.id)).toMatchObject({
      totalTokensUsed: 17,
      messageCount: 2,
    });
  });

  it('assembles a streamed tool call, runs it, and sends the result back', async () => {
    const { tenantId, users } = makeTenant('alice');
    const { session, room } = await createSession(t, users.alice, {
      agentId: 'llm',
      allowedTools: ['text.word_count'],
    });
    model.replies.push(
      sse([
        toolCall(0, {
          id: 'call_1',
          type: 'function',
          function: { name: 'text_word_count', arguments: '' },
        }),
        toolCall(0, { function: { arguments: '{"text":' } }),
        toolCall(0, { function: { arguments: '"one two three"}' } }),
        usage(30),
      ]),
      sse([text('Three words.'), usage(40)]),
    );
    expectStatus(await say(t, users.alice, session.id, 'Count: one two three'), 201);
    await turnsDone(t);

    expect(model.seen[0].body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'text_word_count',
          description: 'Counts the words in a text',
          parameters: expect.objectContaining({ type: 'object' }),
        },
      },
    ]);
    expect(model.seen[1].body.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'text_word_count', arguments: '{"text":"one two three"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"words":3}' },
    ]);
    const stored = await storedMessages(t, tenantId, room.id);
    expect(stored.map((m) => [m.role, m.message_type])).toEqual([
      ['user', 'text'],
      ['assistant', 'tool_call'],
      ['tool', 'tool_result'],
      ['assistant', 'text'],
    ]);
    expect(stored[1].tool_call_data).toEqual({
      name: 'text.word_count',
      input: { text: 'one two three' },
      callId: 'call_1',
    });
    expect(stored[2].tool_call_data).toEqual({
      name: 'text.word_count',
      callId: 'call_1',
      output: { words: 3 },
    });
    expect(stored[3].content).toBe('Three words.');
    expect((await getSession(t, users.alice, session.id)).totalTokensUsed).toBe(70);
  });

  it('refuses a tool the session does not allow and tells the model, storing no tool message', async () => {
    const { tenantId, users } = makeTenant('alice');
    const { session, room } = await createSession(t, users.alice, { agentId: 'llm' });
    model.replies.push(
      sse([
        toolCall(0, {
          id: 'call_x',
          type: 'function',
          function: { name: 'clock_now', arguments: '{}' },
        }),
      ]),
      sse([text('Sorry, I cannot tell the time.')]),
    );
    expectStatus(await say(t, users.alice, session.id, 'What time is it?'), 201);
    await turnsDone(t);
    expect(model.seen[0].body.tools).toBeUndefined();
    expect(model.seen[1].body.messages.slice(-1)).toEqual([
      {
        role: 'tool',
        tool_call_id: 'call_x',
        content: 'Tool "clock_now" is not allowed in this session',
      },
    ]);
    const stored = await storedMessages(t, tenantId, room.id);
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('gives the next turn the stored history, tool calls paired with their results', async () => {
    const { users } = makeTenant('alice');
    const { session } = await createSession(t, users.alice, {
      agentId: 'llm',
      allowedTools: ['clock.now'],
    });
    model.replies.push(
      sse([
        toolCall(0, {
          id: 'c1',
          type: 'function',
          function: { name: 'clock_now', arguments: '{}' },
        }),
      ]),
      sse([text('It is now.')]),
      sse([text('You are welcome.')]),
    );
    await say(t, users.alice, session.id, 'Time?').expect(201);
    await turnsDone(t);
    await say(t, users.alice, session.id, 'Thanks').expect(201);
    await turnsDone(t);
    const messages = model.seen[2].body.messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    expect(messages[1]).toMatchObject({
      tool_calls: [{ id: 'c1', function: { name: 'clock_now' } }],
    });
    expect(messages[2]).toMatchObject({ tool_call_id: 'c1' });
  });

  it('fails the turn with a safe text when the server fails', async () => {
    const { tenantId, users } = makeTenant('alice');
    const { session, room } = await createSession(t, users.alice, { agentId: 'llm' });
    model.replies.push((res) => res.writeHead(500).end('SECRET upstream stack trace'));
    await say(t, users.alice, session.id, 'Hello?').expect(201);
    await turnsDone(t);
    const turns = stream
      .of(session.id)
      .filter((e) => e.kind === 'agent.turn')
      .map((e) => e.payload);
    expect(turns).toEqual([
      expect.objectContaining({ status: 'started' }),
      expect.objectContaining({ status: 'failed', error: 'The agent could not answer' }),
    ]);
    expect((await storedMessages(t, tenantId, room.id)).map((m) => m.role)).toEqual(['user']);
  });
});
