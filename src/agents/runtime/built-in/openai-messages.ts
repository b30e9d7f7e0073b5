import { AgentMessage, ToolDescriptor } from '../agent.types';

/**
 * OpenAI function names must match ^[a-zA-Z0-9_-]{1,64}$, and Parley's tool names have dots. Each
 * offered tool gets a distinct function name; a name the model invents maps to itself, so the tool gate
 * (which only knows Parley names) refuses it.
 */
export class ToolNames {
  private readonly toFunction = new Map<string, string>();
  private readonly toTool = new Map<string, string>();

  constructor(tools: readonly ToolDescriptor[]) {
    for (const { name } of tools) {
      const base = sanitize(name);
      let candidate = base;
      for (let i = 2; this.toTool.has(candidate); i++) candidate = `${base.slice(0, 60)}_${i}`;
      this.toFunction.set(name, candidate);
      this.toTool.set(candidate, name);
    }
  }

  functionName(tool: string): string {
    return this.toFunction.get(tool) ?? sanitize(tool);
  }

  toolName(fn: string): string {
    return this.toTool.get(fn) ?? fn;
  }
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || '_';

type OpenAiMessage = Record<string, unknown>;

/**
 * The chat-completions `messages`. A tool call needs its answer right after it (and an answer needs its
 * call), but the bounded history can cut a pair in two, so unpaired calls and answers are left out.
 */
export function toOpenAiMessages(
  systemPrompt: string | null,
  messages: readonly AgentMessage[],
  names: ToolNames,
): OpenAiMessage[] {
  const answered = new Set(messages.flatMap((m) => (m.role === 'tool' ? [m.callId] : [])));
  const called = new Set<string>();
  const out: OpenAiMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') {
      if (called.has(m.callId))
        out.push({ role: 'tool', tool_call_id: m.callId, content: m.content });
    } else {
      const calls = (m.toolCalls ?? []).filter((c) => answered.has(c.callId));
      for (const c of calls) called.add(c.callId);
      if (calls.length === 0 && m.content === '') continue;
      out.push({
        role: 'assistant',
        content: m.content === '' ? null : m.content,
        ...(calls.length === 0
          ? {}
          : {
              tool_calls: calls.map((c) => ({
                id: c.callId,
                type: 'function',
                function: { name: names.functionName(c.name), arguments: JSON.stringify(c.input) },
              })),
            }),
      });
    }
  }
  return out;
}

export function toOpenAiTools(tools: readonly ToolDescriptor[], names: ToolNames) {
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: names.functionName(t.name),
      description: t.description,
      parameters: t.parameters,
    },
  }));
}
