import { Injectable } from '@nestjs/common';
import { AgentTool } from '../agent.decorators';
import { AgentToolHandler, ToolInputError } from '../agent.types';

/** Harmless: reads the clock, nothing else. */
@AgentTool({
  name: 'clock.now',
  description: 'The current time as an ISO-8601 string in UTC',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
})
@Injectable()
export class ClockNowTool implements AgentToolHandler {
  run(): { now: string } {
    return { now: new Date().toISOString() };
  }
}

/** Harmless: counts words in the text it is given. */
@AgentTool({
  name: 'text.word_count',
  description: 'Counts the words in a text',
  parameters: {
    type: 'object',
    properties: { text: { type: 'string' } },
    required: ['text'],
    additionalProperties: false,
  },
})
@Injectable()
export class WordCountTool implements AgentToolHandler {
  run(input: unknown): { words: number } {
    const text = (input as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new ToolInputError('text must be a string');
    return { words: countWords(text) };
  }
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}
