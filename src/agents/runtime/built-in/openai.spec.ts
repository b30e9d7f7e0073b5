import { toOpenAiMessages, ToolNames } from './openai-messages';
import { sseData } from './sse';

async function collect(chunks: string[]): Promise<string[]> {
  const body = (async function* () {
    for (const c of chunks) yield new TextEncoder().encode(c);
  })();
  const out: string[] = [];
  for await (const data of sseData(body)) out.push(data);
  return out;
}

describe('server-sent events', () => {
  it('reads data lines across chunk boundaries and line endings', async () => {
    expect(await collect(['data: {"a":', '1}\n\ndata:[DONE]\r\n\r\n'])).toEqual([
      '{"a":1}',
      '[DONE]',
    ]);
  });

  it('joins multi-line data and skips comments and other fields', async () => {
    expect(await collect([': ping\n', 'event: x\nid: 1\ndata: a\ndata: b\n\n', 'data: c'])).toEqual(
      ['a\nb', 'c'],
    );
  });

  it('keeps a character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: é\n\n');
    const body = (async function* () {
      yield bytes.slice(0, 7);
      yield bytes.slice(7);
    })();
    const out: string[] = [];
    for await (const d of sseData(body)) out.push(d);
    expect(out).toEqual(['é']);
  });
});

describe('OpenAI messages', () => {
  const tools = [
    { name: 'clock.now', description: '', parameters: {} },
    { name: 'clock_now', description: '', parameters: {} },
  ];

  it('gives every tool a distinct function name and maps only those back', () => {
    const names = new ToolNames(tools);
    expect(names.functionName('clock.now')).toBe('clock_now');
    expect(names.functionName('clock_now')).toBe('clock_now_2');
    expect(names.toolName('clock_now')).toBe('clock.now');
    expect(names.toolName('clock_now_2')).toBe('clock_now');
    expect(names.toolName('Clock_now')).toBe('Clock_now');
  });

  it('leaves out tool calls without answers and answers without calls', () => {
    const names = new ToolNames(tools);
    const out = toOpenAiMessages(
      'sys',
      [
        { role: 'tool', callId: 'orphan', name: 'clock.now', content: '1', isError: false },
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { callId: 'a', name: 'clock.now', input: {} },
            { callId: 'unanswered', name: 'clock.now', input: {} },
          ],
        },
        { role: 'tool', callId: 'a', name: 'clock.now', content: '{"now":1}', isError: false },
        { role: 'assistant', content: '', toolCalls: [{ callId: 'lost', name: 'x', input: {} }] },
        { role: 'assistant', content: 'done' },
      ],
      names,
    );
    expect(out).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'clock_now', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: '{"now":1}' },
      { role: 'assistant', content: 'done' },
    ]);
  });
});
