import { Inject, Injectable } from '@nestjs/common';
import { abortable } from './abortable';
import { AGENT_REPLY_WRITER, AgentReplyWriter, ReplyRefused } from './agent-reply-writer';
import { AgentRegistry, RegisteredTool } from './agent-registry';
import { AgentMessage, AgentToolCall, ToolInputError } from './agent.types';
import { jsonCopy } from './storable';
import { Turn } from './turn.types';

/** Tool output beyond this is an error: it would not fit in a message. */
const MAX_OUTPUT_CHARS = 16_000;
const MAX_ERROR_CHARS = 500;

type Outcome = { output: unknown; text: string } | { error: string; text: string };

/**
 * One tool call of a turn: refused calls are answered to the agent as an error and leave no trace;
 * allowed ones are stored, run and their result stored, in that order. The writer runs the gate again
 * on each write, so a list changed in the meantime still wins.
 */
@Injectable()
export class ToolCaller {
  constructor(
    private readonly registry: AgentRegistry,
    @Inject(AGENT_REPLY_WRITER) private readonly writer: AgentReplyWriter,
  ) {}

  async call(turn: Turn, call: AgentToolCall): Promise<AgentMessage> {
    const label = typeof call.name === 'string' ? call.name : String(JSON.stringify(call.name));
    const refusal: AgentMessage = {
      role: 'tool',
      callId: call.callId,
      name: label,
      content: `Tool ${JSON.stringify(label)} is not allowed in this session`,
      isError: true,
    };
    const tool =
      typeof call.name === 'string' ? this.registry.toolOf(turn.agentId, call.name) : undefined;
    if (!tool) return refusal;
    const stored = await this.store(turn, 'tool_call', `Calling ${call.name}`, {
      name: call.name,
      input: call.input,
      callId: call.callId,
    });
    if (!stored) return refusal;
    const outcome = await this.run(turn, tool, call);
    const result = 'error' in outcome ? { error: outcome.error } : { output: outcome.output };
    await this.store(turn, 'tool_result', outcome.text, {
      name: call.name,
      callId: call.callId,
      ...result,
    });
    return {
      role: 'tool',
      callId: call.callId,
      name: call.name,
      content: outcome.text,
      isError: 'error' in outcome,
    };
  }

  /** False when the gate refused the call; any other refusal ends the turn. */
  private async store(
    turn: Turn,
    messageType: 'tool_call' | 'tool_result',
    content: string,
    toolCallData: Record<string, unknown>,
  ): Promise<boolean> {
    if (turn.signal.aborted) throw turn.signal.reason;
    try {
      await this.writer.write({
        tenantId: turn.tenantId,
        sessionId: turn.sessionId,
        messageType,
        content,
        toolCallData,
        tokens: turn.tokens.pending,
      });
    } catch (err) {
      if (err instanceof ReplyRefused && err.reason.startsWith('tool_')) return false;
      throw err;
    }
    turn.tokens.pending = 0;
    return true;
  }

  private async run(turn: Turn, tool: RegisteredTool, call: AgentToolCall): Promise<Outcome> {
    let result: unknown;
    try {
      result = await abortable(
        Promise.resolve().then(() =>
          tool.handler.run(call.input, {
            tenantId: turn.tenantId,
            sessionId: turn.sessionId,
            participantProfileId: turn.participantProfileId,
            signal: turn.signal,
          }),
        ),
        turn.signal,
      );
    } catch (err) {
      if (turn.signal.aborted) throw turn.signal.reason;
      // Only a ToolInputError's text is meant for people; anything else may carry internals.
      const error =
        err instanceof ToolInputError ? err.message.slice(0, MAX_ERROR_CHARS) : 'The tool failed';
      return { error, text: error };
    }
    const output = result === undefined ? null : jsonCopy(result);
    if (output === undefined) return fail('The tool returned something that is not JSON');
    const text = JSON.stringify(output);
    if (text.length > MAX_OUTPUT_CHARS) return fail('The tool output is too large');
    return { output, text };
  }
}

const fail = (error: string): Outcome => ({ error, text: error });
