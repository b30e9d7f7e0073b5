import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../../common/ids';
import { RoomEventBus } from '../../events/room-event-bus';
import { SessionStore } from '../session-store';
import { abortableIterable } from './abortable';
import { RegisteredAgent } from './agent-registry';
import { AgentMessage, AgentStepInput, AgentToolCall } from './agent.types';
import { storableText } from './storable';
import { ToolCaller } from './tool-caller';
import { TURN_LIMITS, TurnLimits } from './turn-limits';
import { Turn, TurnFailure } from './turn.types';

export type TurnStart = Pick<AgentStepInput, 'systemPrompt' | 'messages' | 'tools' | 'context'>;

/**
 * Calls the agent, streams its text as `agent.delta`, and answers its tool calls, step after step,
 * until it answers without a tool call. Returns the turn's whole text, which the deltas spell exactly.
 */
@Injectable()
export class StepLoop {
  constructor(
    private readonly tools: ToolCaller,
    private readonly bus: RoomEventBus,
    private readonly sessions: SessionStore,
    @Inject(TURN_LIMITS) private readonly limits: TurnLimits,
  ) {}

  async run(
    turn: Omit<Turn, 'signal'>,
    agent: RegisteredAgent,
    start: TurnStart,
    shutdown: AbortSignal,
  ): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TurnFailure('deadline')),
      this.limits.deadlineMs,
    );
    const interrupt = () => controller.abort(new TurnFailure('interrupted'));
    shutdown.addEventListener('abort', interrupt, { once: true });
    const active: Turn = { ...turn, signal: controller.signal };
    const text = new DeltaStream(this.bus, active, this.limits.maxReplyChars);
    try {
      const messages: AgentMessage[] = [...start.messages];
      let context = start.context;
      for (let step = 1; ; step++) {
        const input = { ...start, sessionId: turn.sessionId, turnId: turn.turnId, step, context };
        const result = await this.step(active, agent, { ...input, messages: [...messages] }, text);
        context = result.context;
        if (result.calls.length === 0) return text.value;
        // The results of this step's calls would need another step.
        if (step >= this.limits.maxSteps) throw new TurnFailure('step_limit');
        messages.push({ role: 'assistant', content: result.text, toolCalls: result.calls });
        for (const call of result.calls) messages.push(await this.tools.call(active, call));
      }
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener('abort', interrupt);
    }
  }

  private async step(
    turn: Turn,
    agent: RegisteredAgent,
    input: Omit<AgentStepInput, 'signal'>,
    stream: DeltaStream,
  ) {
    const calls: AgentToolCall[] = [];
    let text = '';
    let context = input.context;
    const events = agent.handler.step({ ...input, signal: turn.signal });
    for await (const event of abortableIterable(events, turn.signal)) {
      switch (event?.type) {
        case 'text':
          if (typeof event.text === 'string') text += stream.push(event.text);
          break;
        case 'tool_call':
          calls.push({
            callId: callIdOf(event.callId),
            name: event.name,
            input: event.input ?? null,
          });
          break;
        case 'usage':
          if (Number.isSafeInteger(event.tokens) && event.tokens > 0) {
            turn.tokens.pending += event.tokens;
          }
          break;
        case 'context':
          if (isRecord(event.patch)) {
            await this.sessions.mergeContext(turn.tenantId, turn.sessionId, event.patch);
            context = { ...context, ...event.patch };
          }
          break;
      }
    }
    return { calls, text, context };
  }
}

/** Publishes text as numbered deltas and keeps exactly what it published. */
class DeltaStream {
  value = '';
  private index = 0;

  constructor(
    private readonly bus: RoomEventBus,
    private readonly turn: Turn,
    private readonly maxChars: number,
  ) {}

  /** Returns the part that was kept: cleaned for storage and cut at the reply limit. */
  push(piece: string): string {
    let part = storableText(piece).slice(0, Math.max(0, this.maxChars - this.value.length));
    if (/[\uD800-\uDBFF]$/.test(part)) part = part.slice(0, -1);
    if (part.length === 0) return '';
    this.value += part;
    this.bus.publishAgent({
      kind: 'agent.delta',
      tenantId: this.turn.tenantId,
      roomId: this.turn.roomId,
      payload: {
        sessionId: this.turn.sessionId,
        turnId: this.turn.turnId,
        index: this.index++,
        text: part,
      },
    });
    return part;
  }
}

const callIdOf = (id: unknown): string =>
  typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : newId();

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
