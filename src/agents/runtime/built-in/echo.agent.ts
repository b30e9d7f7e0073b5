import { Injectable } from '@nestjs/common';
import { ChatAgent } from '../agent.decorators';
import { AgentEvent, AgentStepInput, ChatAgentHandler } from '../agent.types';
import { countWords } from './demo.tools';

/** `/tool NAME {json}`: NAME is a bare word or a JSON string (for names with spaces). */
const TOOL_COMMAND = /^\/tool\s+("(?:[^"\\]|\\.)*"|\S+)(?:\s+([\s\S]*))?$/;

type Command = { name: string; input: unknown } | { problem: string };

/**
 * Deterministic, for demos and tests: it answers with the user's text, and `/tool NAME {json}` makes it
 * call tool NAME, so every path of the tool gate can be driven by hand. Usage is counted in words.
 */
@ChatAgent({
  id: 'echo',
  description: 'Replies with your text; "/tool NAME {json}" calls a tool',
  tools: ['clock.now', 'text.word_count'],
})
@Injectable()
export class EchoAgent implements ChatAgentHandler {
  async *step(input: AgentStepInput): AsyncGenerator<AgentEvent> {
    const last = input.messages[input.messages.length - 1];
    let reply: string;
    if (last?.role === 'tool') {
      reply = last.isError
        ? `The tool ${last.name} could not be used: ${last.content}`
        : `The tool ${last.name} returned ${last.content}`;
    } else {
      const text = last?.role === 'user' ? last.content : '';
      const command = parseToolCommand(text);
      if (command && 'name' in command) {
        yield { type: 'usage', tokens: countWords(text) };
        yield { type: 'tool_call', name: command.name, input: command.input };
        return;
      }
      reply = command ? command.problem : text;
    }
    const turns = typeof input.context.echoTurns === 'number' ? input.context.echoTurns : 0;
    yield { type: 'context', patch: { echoTurns: turns + 1 } };
    for (const piece of reply.match(/\s*\S+\s*|\s+/g) ?? []) yield { type: 'text', text: piece };
    yield { type: 'usage', tokens: countWords(last?.content ?? '') + countWords(reply) };
  }
}

export function parseToolCommand(text: string): Command | undefined {
  const match = TOOL_COMMAND.exec(text.trim());
  if (!match) return undefined;
  let name: string;
  try {
    name = match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
  } catch {
    return { problem: 'The tool name is not a valid JSON string' };
  }
  const json = match[2]?.trim() || '{}';
  try {
    return { name, input: JSON.parse(json) as unknown };
  } catch {
    return { problem: 'The tool input is not valid JSON' };
  }
}
