import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { RoomEventLog } from '../events/room-event-log';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import { AgentErrors } from './agents.errors';
import { inactiveReason, SESSION_COLUMNS, SessionRow, toSessionView } from './session.types';

type Db = Pick<Tx, 'query'>;

/** Bounds the agent's memory so one runaway agent cannot grow a row without limit. */
const MAX_CONTEXT_BYTES = 256 * 1024;

/**
 * Session rows and their status changes. Every change of status goes through here or through the
 * reply writer, and each appends exactly one `session.updated` event: the conditional UPDATEs below
 * are claims, so two nodes (or a sweep and a request) never announce the same change twice.
 * Lock order is always the session row, then the room row (through the event log).
 */
@Injectable()
export class SessionStore {
  constructor(
    private readonly db: TransactionRunner,
    private readonly events: RoomEventLog,
  ) {}

  async find(db: Db, tenantId: string, id: string, lock = false): Promise<SessionRow | undefined> {
    const [row] = await db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM agent_sessions WHERE tenant_id = $1 AND id = $2
        ${lock ? 'FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return row;
  }

  /** Outside any transaction; for the runtime, which checks ownership by other means. */
  async get(tenantId: string, id: string): Promise<SessionRow | undefined> {
    return this.find(this.db, tenantId, id);
  }

  /** The actor's own session; another tenant's or another profile's is a 404 like a missing one. */
  async findOwned(actor: Actor, id: string, tx?: Tx): Promise<SessionRow> {
    const row = await this.find(tx ?? this.db, actor.tenantId, id, !!tx);
    if (!row || row.participant_profile_id !== actor.profileId) throw AgentErrors.sessionNotFound();
    return row;
  }

  async announce(tx: Tx, row: SessionRow): Promise<void> {
    const view = toSessionView(row);
    await this.events.append(tx, row.tenant_id, row.chat_room_id, 'session.updated', view);
  }

  /** Whether the stored row lags behind what the session is (see settle). */
  needsSettling(row: SessionRow, now = new Date()): boolean {
    if (row.status === 'active') return inactiveReason(row, now) !== null;
    return row.closed_at === null;
  }

  /**
   * Brings the stored status up to date and announces it: an active session past its expiry becomes
   * `expired`; one that a user message took to its budget (that statement cannot append the event)
   * gets its `closed_at` and its `session.updated` here.
   */
  async settle(tx: Tx, row: SessionRow): Promise<SessionRow> {
    if (!this.needsSettling(row)) return row;
    const [updated] = await tx.query<SessionRow>(
      `UPDATE agent_sessions
          SET status = CASE WHEN status = 'active' THEN 'expired' ELSE status END,
              closed_at = now(), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND closed_at IS NULL
          AND (status <> 'active' OR expires_at <= now()
               OR (max_messages > 0 AND message_count >= max_messages)
               OR (max_tokens > 0 AND total_tokens_used >= max_tokens))
        RETURNING ${SESSION_COLUMNS}`,
      [row.tenant_id, row.id],
    );
    if (!updated) return (await this.find(tx, row.tenant_id, row.id)) ?? row;
    await this.announce(tx, updated);
    return updated;
  }

  async settleNow(row: SessionRow): Promise<SessionRow> {
    if (!this.needsSettling(row)) return row;
    return this.db.run((tx) => this.settle(tx, row));
  }

  /** One batch of the expiry sweep; SKIP LOCKED lets every node sweep without waiting on the others. */
  async sweep(limit: number): Promise<number> {
    return this.db.run(async (tx) => {
      const rows = await tx.query<SessionRow>(
        `WITH due AS (
           SELECT tenant_id AS t, id AS i FROM agent_sessions
            WHERE status = 'active' AND expires_at <= now()
            ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE agent_sessions SET status = 'expired', closed_at = now(), updated_at = now()
           FROM due WHERE tenant_id = due.t AND id = due.i
         RETURNING ${SESSION_COLUMNS}`,
        [limit],
      );
      for (const row of rows) await this.announce(tx, row);
      return rows.length;
    });
  }

  /**
   * Charges tokens that no stored message carried (a failed turn still spent them). Spent tokens are
   * charged whatever the status; only an active session flips to `expired` at its budget.
   */
  async chargeTokens(tenantId: string, id: string, tokens: number): Promise<void> {
    await this.db.run(async (tx) => {
      const [row] = await tx.query<SessionRow & { ended: boolean }>(
        `WITH before AS (
           SELECT status FROM agent_sessions WHERE tenant_id = $1 AND id = $2 FOR UPDATE)
         UPDATE agent_sessions s
            SET total_tokens_used = s.total_tokens_used + $3, updated_at = now(),
                status = CASE WHEN s.status = 'active' AND s.max_tokens > 0
                               AND s.total_tokens_used + $3 >= s.max_tokens
                              THEN 'expired' ELSE s.status END,
                closed_at = CASE WHEN s.status = 'active' AND s.max_tokens > 0
                                  AND s.total_tokens_used + $3 >= s.max_tokens
                                 THEN now() ELSE s.closed_at END
           FROM before WHERE s.tenant_id = $1 AND s.id = $2
         RETURNING ${prefixed('s')}, (before.status = 'active' AND s.status = 'expired') AS ended`,
        [tenantId, id, tokens],
      );
      if (row?.ended) await this.announce(tx, row);
    });
  }

  /** The agent's memory: read only by the runtime, never put in a view, a log line or an event. */
  async readContext(tenantId: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.db.query<{ session_context: unknown }>(
      `SELECT session_context FROM agent_sessions WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    const context = row?.session_context;
    return typeof context === 'object' && context !== null && !Array.isArray(context)
      ? (context as Record<string, unknown>)
      : {};
  }

  /** Shallow merge, in the database, so concurrent patches never lose each other's keys. */
  async mergeContext(tenantId: string, id: string, patch: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(patch);
    if (Buffer.byteLength(json) > MAX_CONTEXT_BYTES) return;
    await this.db.query(
      `UPDATE agent_sessions
          SET session_context = session_context || $3::jsonb, updated_at = now()
        WHERE tenant_id = $1 AND id = $2
          AND octet_length((session_context || $3::jsonb)::text) <= $4`,
      [tenantId, id, json, MAX_CONTEXT_BYTES],
    );
  }
}

function prefixed(alias: string): string {
  return SESSION_COLUMNS.split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
}
