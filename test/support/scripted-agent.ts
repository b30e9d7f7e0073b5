import { Injectable, Module } from '@nestjs/common';
import { AgentTool, ChatAgent } from '../../src/agents/runtime/agent.decorators';
import {
  AgentEvent,
  AgentStepInput,
  AgentToolHandler,
  ChatAgentHandler,
} from '../../src/agents/runtime/agent.types';
import { parseToolCommand } from '../../src/agents/runtime/built-in/echo.agent';

/** Records every call it gets, so a test can prove that a refused call never ran. */
@AgentTool({
  name: 'test.record',
  description: 'Records its input',
  parameters: { type: 'object' },
})
@Injectable()
export class RecordingTool implements AgentToolHandler {
  readonly calls: unknown[] = [];

  run(input: unknown): { recorded: number } {
    this.calls.push(input);
    return { recorded: this.calls.length };
  }
}

/** Fails with a message that must never reach a user. */
@AgentTool({ name: 'test.fail', description: 'Always fails', parameters: { type: 'object' } })
@Injectable()
export class FailingTool implements AgentToolHandler {
  run(): never {
    throw new Error('SECRET-TOOL-INTERNALS at /srv/app.js:1');
  }
}

export const SECRET = 'SECRET-AGENT-INTERNALS';

/**
 * A test agent driven by the user's text: `/tool NAME {json}` (as echo), `/loop` (a tool call every
 * step), `/crash`, `/hang`, `/inspect` (replies with what it was given), `/nonstring` (a tool call whose
 * name is a number), `/usage N`; anything else is echoed.
 */
@ChatAgent({
  id: 'scripted',
  description: 'Test agent',
  tools: ['test.record', 'test.fail', 'clock.now'],
})
@Injectable()
export class ScriptedAgent implements ChatAgentHandler {
  readonly inputs: AgentStepInput[] = [];

  async *step(input: AgentStepInput): AsyncGenerator<AgentEvent> {
    this.inputs.push(input);
    const last = input.messages[input.messages.length - 1];
    const lastUser = [...input.messages].reverse().find((m) => m.role === 'user');
    const command = lastUser?.role === 'user' ? lastUser.content : '';
    if (command === '/loop') {
      yield { type: 'tool_call', name: 'test.record', input: { step: input.step } };
      return;
    }
    if (last?.role === 'tool') {
      yield { type: 'text', text: `${last.isError ? 'error' : 'ok'}: ${last.content}` };
      return;
    }
    if (command === '/crash') {
      yield { type: 'text', text: 'partial ' };
      throw new Error(`${SECRET} at /srv/agent.js:42`);
    }
    if (command === '/hang') {
      yield { type: 'text', text: 'thinking' };
      await new Promise(() => undefined);
    }
    if (command === '/nonstring') {
      yield { type: 'tool_call', name: 42 as unknown as string, input: {} };
      return;
    }
    if (command === '/inspect') {
      const seen = {
        systemPrompt: input.systemPrompt,
        messages: input.messages.map((m) => `${m.role}:${m.content}`),
        tools: input.tools.map((t) => t.name),
        step: input.step,
      };
      yield { type: 'text', text: JSON.stringify(seen) };
      return;
    }
    const usage = /^\/usage (\d+)$/.exec(command);
    if (usage) {
      yield { type: 'usage', tokens: Number(usage[1]) };
      yield { type: 'text', text: 'counted' };
      return;
    }
    const tool = parseToolCommand(command);
    if (tool && 'name' in tool) {
      yield { type: 'tool_call', name: tool.name, input: tool.input };
      return;
    }
    yield { type: 'text', text: command };
  }
}

@Module({ providers: [ScriptedAgent, RecordingTool, FailingTool] })
export class ScriptedAgentModule {}
