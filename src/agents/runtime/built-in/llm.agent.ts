import { Inject, Injectable } from '@nestjs/common';
import { llmConfig, LlmConfig } from '../../../config/settings';
import { ChatAgent } from '../agent.decorators';
import { AgentEvent, AgentStepInput, ChatAgentHandler } from '../agent.types';
import { toOpenAiMessages, toOpenAiTools, ToolNames } from './openai-messages';
import { sseData } from './sse';

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Chunk {
  choices?: { delta?: { content?: unknown; tool_calls?: ChunkToolCall[] } }[];
  usage?: { total_tokens?: unknown; prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

/**
 * Any OpenAI-compatible chat-completions server (LLM_BASE_URL, e.g. `https://api.openai.com/v1`, and
 * LLM_MODEL; LLM_API_KEY, when set, as a bearer token). It streams: text deltas as they come, tool calls
 * assembled from their fragments by index, usage from the last chunk. Registered only when configured.
 */
@ChatAgent({
  id: 'llm',
  description: 'A chat-completions model with streaming and tool calls',
  tools: ['clock.now', 'text.word_count'],
})
@Injectable()
export class LlmAgent implements ChatAgentHandler {
  constructor(@Inject(llmConfig.KEY) private readonly config: LlmConfig) {}

  isEnabled(): boolean {
    return !!this.config.baseUrl && !!this.config.model;
  }

  async *step(input: AgentStepInput): AsyncGenerator<AgentEvent> {
    const names = new ToolNames(input.tools);
    const response = await fetch(`${this.config.baseUrl!.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.config.model,
        stream: true,
        stream_options: { include_usage: true },
        messages: toOpenAiMessages(input.systemPrompt, input.messages, names),
        ...(input.tools.length > 0 ? { tools: toOpenAiTools(input.tools, names) } : {}),
      }),
      signal: input.signal,
    });
    if (!response.ok || !response.body) {
      throw new Error(`The model server answered ${response.status}`);
    }
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for await (const data of sseData(response.body)) {
      if (data.trim() === '[DONE]') break;
      const chunk = parse(data);
      if (!chunk) continue;
      const delta = chunk.choices?.[0]?.delta;
      if (typeof delta?.content === 'string' && delta.content.length > 0) {
        yield { type: 'text', text: delta.content };
      }
      for (const part of delta?.tool_calls ?? []) {
        const index = typeof part.index === 'number' ? part.index : calls.size;
        const call = calls.get(index) ?? { id: '', name: '', args: '' };
        call.id ||= part.id ?? '';
        call.name += part.function?.name ?? '';
        call.args += part.function?.arguments ?? '';
        calls.set(index, call);
      }
      const tokens = usageOf(chunk);
      if (tokens > 0) yield { type: 'usage', tokens };
    }
    for (const [, call] of [...calls.entries()].sort(([a], [b]) => a - b)) {
      yield {
        type: 'tool_call',
        name: names.toolName(call.name),
        input: parseArguments(call.args),
        ...(call.id ? { callId: call.id } : {}),
      };
    }
  }
}

function parse(data: string): Chunk | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null ? (value as Chunk) : undefined;
  } catch {
    return undefined;
  }
}

function usageOf(chunk: Chunk): number {
  const u = chunk.usage;
  if (!u) return 0;
  if (typeof u.total_tokens === 'number') return u.total_tokens;
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  return prompt + (typeof u.completion_tokens === 'number' ? u.completion_tokens : 0);
}

/** Arguments are a JSON text; a model that sends broken JSON gets it back as the raw string. */
function parseArguments(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}
