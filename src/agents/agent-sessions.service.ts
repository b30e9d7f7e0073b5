import { Injectable } from '@nestjs/common';
import { Actor, AGENT_PROFILE_PREFIX } from '../auth/actor';
import { decodeActivityCursor, encodeActivityCursor, timeKeySql } from '../common/activity-cursor';
import { AppError } from '../common/errors/app-error';
import { newId } from '../common/ids';
import { DEFAULT_LIMIT } from '../common/pagination';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import { MessageView } from '../messages/message.types';
import { MessagesService } from '../messages/messages.service';
import { ParticipantStore } from '../rooms/participant-store';
import { RoomRow, RoomView, toRoomView } from '../rooms/room.types';
import { RoomsService } from '../rooms/rooms.service';
import { AgentErrors } from './agents.errors';
import {
  CreateAgentSessionDto,
  ListAgentSessionsQuery,
  SessionMessageDto,
  UpdateAgentSessionDto,
} from './dto/agent-session.dto';
import { AgentRegistry } from './runtime/agent-registry';
import { SessionStore } from './session-store';
import {
  inactiveReason,
  SESSION_COLUMNS,
  SessionRow,
  SessionView,
  toSessionView,
} from './session.types';

export interface SessionWithRoom {
  session: SessionView;
  room: RoomView;
  created: boolean;
}

export interface SessionList {
  items: SessionView[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** Agent sessions as their participant sees them: create or reuse, read, configure, close, talk. */
@Injectable()
export class AgentSessionsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly rooms: RoomsService,
    private readonly participants: ParticipantStore,
    private readonly messages: MessagesService,
    private readonly registry: AgentRegistry,
    private readonly store: SessionStore,
  ) {}

  /**
   * The actor's active session with this agent and key, or a new one with its own agent room. Concurrent
   * creates meet on the unique index of active sessions: the loser's insert does nothing, its room is
   * rolled back to the savepoint, and it reads the winner's session.
   */
  async create(actor: Actor, dto: CreateAgentSessionDto): Promise<SessionWithRoom> {
    this.assertTools(dto.agentId, dto.allowedTools ?? [], true);
    const key = dto.sessionKey ?? null;
    return this.db.run(async (tx) => {
      const existing = await this.findReusable(tx, actor, dto.agentId, key);
      if (existing) return this.reopen(tx, actor, existing);
      await tx.query('SAVEPOINT agent_session_create');
      const room = (await this.rooms.insert(tx, actor, {
        name: dto.agentId,
        roomType: 'agent',
        maxParticipants: 2,
      }))!;
      const [row] = await tx.query<SessionRow>(
        `INSERT INTO agent_sessions (tenant_id, id, agent_id, participant_profile_id, chat_room_id,
                                     session_key, allowed_tools, system_prompt, max_tokens,
                                     max_messages, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, participant_profile_id, agent_id, COALESCE(session_key, ''))
           WHERE status = 'active' DO NOTHING
         RETURNING ${SESSION_COLUMNS}`,
        [
          actor.tenantId,
          newId(),
          dto.agentId,
          actor.profileId,
          room.id,
          key,
          JSON.stringify(dto.allowedTools ?? []),
          dto.systemPrompt ?? null,
          dto.maxTokens ?? 0,
          dto.maxMessages ?? 0,
          dto.ttlSeconds ? new Date(Date.now() + dto.ttlSeconds * 1000) : null,
        ],
      );
      if (!row) {
        await tx.query('ROLLBACK TO SAVEPOINT agent_session_create');
        const winner = await this.findReusable(tx, actor, dto.agentId, key);
        if (!winner) throw new AppError(409, 'conflict', 'Concurrent update, retry the request');
        return this.reopen(tx, actor, winner);
      }
      await tx.query('RELEASE SAVEPOINT agent_session_create');
      await this.participants.enroll(tx, room, actor.profileId, 'owner');
      await this.participants.enroll(tx, room, agentProfile(row), 'member');
      return {
        session: toSessionView(row),
        room: toRoomView(await this.rooms.reload(tx, room)),
        created: true,
      };
    });
  }

  async list(actor: Actor, query: ListAgentSessionsQuery): Promise<SessionList> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [createdAt, id] = query.cursor ? decodeActivityCursor(query.cursor) : [null, null];
    const rows = await this.db.query<SessionRow & { time_key: string }>(
      `SELECT ${SESSION_COLUMNS}, ${timeKeySql('created_at')} AS time_key FROM agent_sessions
        WHERE tenant_id = $1 AND participant_profile_id = $2
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [actor.tenantId, actor.profileId, createdAt, id, limit + 1],
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map((r) => toSessionView(r)),
      hasMore: last !== undefined,
      nextCursor: last ? encodeActivityCursor(last.time_key, last.id) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<SessionView> {
    return toSessionView(await this.store.settleNow(await this.store.findOwned(actor, id)));
  }

  /** Replaces the tool list wholesale and/or the system prompt; works on ended sessions too. */
  async update(actor: Actor, id: string, dto: UpdateAgentSessionDto): Promise<SessionView> {
    return this.db.run(async (tx) => {
      const current = await this.store.settle(tx, await this.store.findOwned(actor, id, tx));
      if (dto.allowedTools !== undefined)
        this.assertTools(current.agent_id, dto.allowedTools, false);
      if (dto.allowedTools === undefined && dto.systemPrompt === undefined) {
        return toSessionView(current);
      }
      const [row] = await tx.query<SessionRow>(
        `UPDATE agent_sessions
            SET allowed_tools = COALESCE($3::jsonb, allowed_tools),
                system_prompt = CASE WHEN $4 THEN $5 ELSE system_prompt END, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${SESSION_COLUMNS}`,
        [
          current.tenant_id,
          current.id,
          dto.allowedTools === undefined ? null : JSON.stringify(dto.allowedTools),
          dto.systemPrompt !== undefined,
          dto.systemPrompt ?? null,
        ],
      );
      await this.store.announce(tx, row);
      return toSessionView(row);
    });
  }

  /** Idempotent: closing a closed session changes nothing and announces nothing. */
  async close(actor: Actor, id: string): Promise<SessionView> {
    return this.db.run(async (tx) => {
      const current = await this.store.findOwned(actor, id, tx);
      if (current.status === 'closed') return toSessionView(current);
      const [row] = await tx.query<SessionRow>(
        `UPDATE agent_sessions
            SET status = 'closed', closed_at = COALESCE(closed_at, now()), updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${SESSION_COLUMNS}`,
        [current.tenant_id, current.id],
      );
      await this.store.announce(tx, row);
      return toSessionView(row);
    });
  }

  /** The same user message as the room's messages route; the budget is charged in its statement. */
  async sendMessage(
    actor: Actor,
    id: string,
    dto: SessionMessageDto,
  ): Promise<{ message: MessageView; created: boolean }> {
    const session = await this.store.settleNow(await this.store.findOwned(actor, id));
    if (inactiveReason(session) !== null) throw AgentErrors.sessionInactive();
    const { content, clientMessageId } = dto;
    return this.messages.send(actor, session.chat_room_id, { content, clientMessageId });
  }

  /** `allowedTools` may only name tools the agent declares, exactly as declared. */
  private assertTools(agentId: string, tools: readonly string[], mustExist: boolean): void {
    const agent = this.registry.agent(agentId);
    if (!agent && mustExist) throw AgentErrors.agentNotFound();
    const declared = agent?.descriptor.tools ?? [];
    const unknown = tools.find((t) => !declared.includes(t));
    if (unknown !== undefined) throw AgentErrors.toolNotAvailable(unknown);
  }

  /** An active session to reuse; one whose time has run out is expired first and not reused. */
  private async findReusable(
    tx: Tx,
    actor: Actor,
    agentId: string,
    key: string | null,
  ): Promise<SessionRow | undefined> {
    const [row] = await tx.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM agent_sessions
        WHERE tenant_id = $1 AND participant_profile_id = $2 AND agent_id = $3
          AND COALESCE(session_key, '') = COALESCE($4, '') AND status = 'active'
        FOR UPDATE`,
      [actor.tenantId, actor.profileId, agentId, key],
    );
    if (!row) return undefined;
    const settled = await this.store.settle(tx, row);
    return settled.status === 'active' ? settled : undefined;
  }

  /** Brings back either side that left the room, so a reused session can be talked to again. */
  private async reopen(tx: Tx, actor: Actor, session: SessionRow): Promise<SessionWithRoom> {
    const room: RoomRow = await this.rooms.reload(tx, {
      tenant_id: session.tenant_id,
      id: session.chat_room_id,
    });
    const sides: [string, 'owner' | 'member'][] = [
      [actor.profileId, 'owner'],
      [agentProfile(session), 'member'],
    ];
    for (const [profileId, role] of sides) {
      const p = await this.participants.find(tx, room, profileId);
      if (p?.status !== 'active') await this.participants.enroll(tx, room, profileId, role);
    }
    return {
      session: toSessionView(session),
      room: toRoomView(await this.rooms.reload(tx, room)),
      created: false,
    };
  }
}

const agentProfile = (s: SessionRow): string => `${AGENT_PROFILE_PREFIX}${s.agent_id}`;
