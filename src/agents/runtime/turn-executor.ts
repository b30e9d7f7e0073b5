import { Inject, Injectable, Logger } from '@nestjs/common';
import { newId } from '../../common/ids';
import { RoomEventBus } from '../../events/room-event-bus';
import { inactiveReason, readAllowedTools, SessionRow } from '../session.types';
import { SessionStore } from '../session-store';
import { AGENT_REPLY_WRITER, AgentReplyWriter } from './agent-reply-writer';
import { AgentRegistry, RegisteredAgent } from './agent-registry';
import { ToolDescriptor } from './agent.types';
import { StepLoop } from './step-loop';
import { TurnHistory } from './turn-history';
import { safeErrorText, Turn, TurnFailure } from './turn.types';

/** The user message that starts a turn. */
export interface TurnTrigger {
  tenantId: string;
  roomId: string;
  sessionId: string;
  seq: number;
}

type TurnStatus = 'started' | 'completed' | 'failed';

/**
 * One turn: `agent.turn started`, the steps, the reply stored once as one `assistant` message, then
 * `completed`, or `failed` with a fixed, safe text. Tokens the agent reported are always charged.
 */
@Injectable()
export class TurnExecutor {
  private readonly logger = new Logger('AgentTurn');

  constructor(
    private readonly sessions: SessionStore,
    private readonly registry: AgentRegistry,
    private readonly history: TurnHistory,
    private readonly steps: StepLoop,
    @Inject(AGENT_REPLY_WRITER) private readonly writer: AgentReplyWriter,
    private readonly bus: RoomEventBus,
  ) {}

  async run(trigger: TurnTrigger, shutdown: AbortSignal): Promise<void> {
    if (shutdown.aborted) return;
    const session = await this.sessions.get(trigger.tenantId, trigger.sessionId);
    if (!session || session.chat_room_id !== trigger.roomId) return;
    if (session.status !== 'active' || inactiveReason(session) !== null) {
      // The message used the last of the budget: no room for a reply, but the change is announced.
      await this.sessions.settleNow(session);
      return;
    }
    const turn: Omit<Turn, 'signal'> = {
      tenantId: session.tenant_id,
      sessionId: session.id,
      roomId: session.chat_room_id,
      agentId: session.agent_id,
      participantProfileId: session.participant_profile_id,
      turnId: newId(),
      tokens: { pending: 0 },
    };
    this.publish(turn, 'started');
    let error: string | undefined;
    try {
      const agent = this.registry.agent(session.agent_id);
      if (!agent) throw new TurnFailure('unavailable');
      const text = await this.steps.run(
        turn,
        agent,
        await this.start(session, agent, trigger),
        shutdown,
      );
      if (text.length > 0) await this.reply(turn, text);
    } catch (err) {
      error = safeErrorText(err);
      if (!(err instanceof TurnFailure))
        this.logger.warn(`Turn ${turn.turnId} failed: ${describe(err)}`);
    }
    await this.chargeLeftover(turn);
    this.publish(turn, error === undefined ? 'completed' : 'failed', error);
  }

  private async start(session: SessionRow, agent: RegisteredAgent, trigger: TurnTrigger) {
    const [messages, context] = await Promise.all([
      this.history.load(session.tenant_id, session.id, trigger.seq),
      this.sessions.readContext(session.tenant_id, session.id),
    ]);
    const tools: ToolDescriptor[] = (readAllowedTools(session.allowed_tools) ?? [])
      .map((name) => this.registry.toolOf(agent.descriptor.id, name)?.descriptor)
      .filter((d): d is ToolDescriptor => d !== undefined);
    return { systemPrompt: session.system_prompt, messages, tools, context };
  }

  private async reply(turn: Omit<Turn, 'signal'>, text: string): Promise<void> {
    await this.writer.write({
      tenantId: turn.tenantId,
      sessionId: turn.sessionId,
      messageType: 'text',
      content: text,
      tokens: turn.tokens.pending,
    });
    turn.tokens.pending = 0;
  }

  private async chargeLeftover(turn: Omit<Turn, 'signal'>): Promise<void> {
    if (turn.tokens.pending === 0) return;
    try {
      await this.sessions.chargeTokens(turn.tenantId, turn.sessionId, turn.tokens.pending);
    } catch (err) {
      this.logger.warn(`Tokens of turn ${turn.turnId} not charged: ${describe(err)}`);
    }
  }

  private publish(turn: Omit<Turn, 'signal'>, status: TurnStatus, error?: string): void {
    this.bus.publishAgent({
      kind: 'agent.turn',
      tenantId: turn.tenantId,
      roomId: turn.roomId,
      payload: {
        sessionId: turn.sessionId,
        turnId: turn.turnId,
        status,
        ...(error === undefined ? {} : { error }),
      },
    });
  }
}

/** For the server log only: the kind of error and a bounded message, never the agent's memory. */
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.slice(0, 300)}`;
  return typeof err;
}
