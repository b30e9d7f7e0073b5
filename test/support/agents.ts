import { Type } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { SWEEP_INTERVAL_MS } from '../../src/agents/session-sweeper';
import { DEFAULT_TURN_LIMITS, TURN_LIMITS, TurnLimits } from '../../src/agents/runtime/turn-limits';
import { TurnRunner } from '../../src/agents/runtime/turn-runner';
import { AgentStreamEvent } from '../../src/events/agent-stream-event';
import { RoomEventBus } from '../../src/events/room-event-bus';
import { db, expectStatus, RoomBody, User } from './rooms';
import { startTestApp, TestApp } from './test-app';

export interface AgentAppOptions {
  /** Extra modules beside AppModule, e.g. a test agent. */
  imports?: Type[];
  env?: Record<string, string | undefined>;
  limits?: Partial<TurnLimits>;
  sweepIntervalMs?: number;
}

/** startTestApp with test agents and runtime limits: the same AppModule, the same test database. */
export function startAgentApp(options: AgentAppOptions = {}): Promise<TestApp> {
  return startTestApp(options.env, {
    imports: options.imports,
    override: (builder) =>
      builder
        .overrideProvider(TURN_LIMITS)
        .useValue({ ...DEFAULT_TURN_LIMITS, ...options.limits })
        .overrideProvider(SWEEP_INTERVAL_MS)
        .useValue(options.sweepIntervalMs ?? 2_000),
  });
}

export interface SessionBody {
  id: string;
  agentId: string;
  participantProfileId: string;
  chatRoomId: string;
  status: 'active' | 'closed' | 'expired';
  isActive: boolean;
  inactiveReason: 'closed' | 'expired' | 'message_budget' | 'token_budget' | null;
  allowedTools: string[];
  systemPrompt: string | null;
  messageCount: number;
  totalTokensUsed: number;
  maxTokens: number;
  maxMessages: number;
  lastMessageAt: string | null;
  expiresAt: string | null;
  closedAt: string | null;
  createdAt: string;
}

export async function createSession(
  t: TestApp,
  user: User,
  body: Record<string, unknown> = {},
): Promise<{ session: SessionBody; room: RoomBody }> {
  const res = await t.http
    .post('/v1/agent-sessions')
    .set(user.auth)
    .send({ agentId: 'echo', ...body });
  expectStatus(res, 201);
  return res.body as { session: SessionBody; room: RoomBody };
}

export async function getSession(t: TestApp, user: User, id: string): Promise<SessionBody> {
  const res = await t.http.get(`/v1/agent-sessions/${id}`).set(user.auth);
  expectStatus(res, 200);
  return res.body as SessionBody;
}

export const say = (t: TestApp, user: User, sessionId: string, content: string) =>
  t.http.post(`/v1/agent-sessions/${sessionId}/messages`).set(user.auth).send({ content });

/** Resolves when every agent turn queued so far has ended. */
export const turnsDone = (t: TestApp): Promise<void> => t.app.get(TurnRunner).idle();

export interface StoredMessage {
  seq: number;
  role: string;
  message_type: string;
  content: string;
  sender_profile_id: string;
  agent_session_id: string | null;
  tool_call_data: Record<string, unknown> | null;
}

/** Every message of a room as stored, oldest first. */
export async function storedMessages(
  t: TestApp,
  tenantId: string,
  roomId: string,
): Promise<StoredMessage[]> {
  const rows: (StoredMessage & { seq: string })[] = await db(t).query(
    `SELECT seq, role, message_type, content, sender_profile_id, agent_session_id, tool_call_data
       FROM chat_messages WHERE tenant_id = $1 AND room_id = $2 ORDER BY seq`,
    [tenantId, roomId],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Records the agent stream (agent.delta, agent.turn) of the app from now on. */
export function recordAgentStream(t: TestApp) {
  const events: AgentStreamEvent[] = [];
  const subscription: Subscription = t.app
    .get(RoomEventBus)
    .agentStream$.subscribe((e) => events.push(e));
  return {
    events,
    of: (sessionId: string) => events.filter((e) => e.payload.sessionId === sessionId),
    stop: () => subscription.unsubscribe(),
  };
}
