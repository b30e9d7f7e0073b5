import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import { RoomAccessCache } from './room-access-cache';
import { RoomErrors } from './rooms.errors';
import { ParticipantRole, ParticipantRow, RoomRow } from './room.types';

/**
 * What an actor wants to do with a room, from weakest to strongest:
 * - `view`: see the room (an active participant, or anyone in the tenant for a public room)
 * - `read`: read its messages and participants (active participants, viewers included)
 * - `post`: write into it (active participants but viewers; the room must not be archived)
 * - `manage`: change it and its members (owner, admin)
 * - `own`: archive it, grant owner (owner)
 */
export type RoomPermission = 'view' | 'read' | 'post' | 'manage' | 'own';

export interface RoomAccess {
  room: RoomRow;
  /** The actor's row, in any status, if there is one. */
  participant?: ParticipantRow;
}

const MANAGERS: readonly ParticipantRole[] = ['owner', 'admin'];

/**
 * The one access check. Default deny: a room the actor may not see is a 404, exactly as a room that does
 * not exist; a room it sees but may not act on is a 403. Every service method with a room id calls it.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly cache: RoomAccessCache,
  ) {}

  /**
   * Loads the room and the actor's participant row in one query, then applies `permission`. Inside a
   * transaction the room row is locked and always read afresh; outside, a recent lookup is reused until
   * a change to the room or its participants is committed on any node (see RoomAccessCache).
   */
  async require(
    actor: Actor,
    roomId: string,
    permission: RoomPermission,
    tx?: Tx,
  ): Promise<RoomAccess> {
    const access = tx ? await this.load(actor, roomId, tx) : await this.loadCached(actor, roomId);
    if (!access) throw RoomErrors.notFound();
    assertAllowed(access, permission);
    return access;
  }

  /** The same check, never from the cache: for explaining why a guarded write found no row. */
  async recheck(actor: Actor, roomId: string, permission: RoomPermission): Promise<RoomAccess> {
    const access = await this.load(actor, roomId);
    if (!access) throw RoomErrors.notFound();
    assertAllowed(access, permission);
    return access;
  }

  private async loadCached(actor: Actor, roomId: string): Promise<RoomAccess | undefined> {
    const cached = this.cache.get(actor.tenantId, roomId, actor.profileId);
    if (cached) return cached;
    const access = await this.load(actor, roomId);
    if (access) this.cache.set(actor.tenantId, roomId, actor.profileId, access);
    return access;
  }

  private async load(actor: Actor, roomId: string, tx?: Tx): Promise<RoomAccess | undefined> {
    const rows = await (tx ?? this.db).query<RoomRow & { p: ParticipantRow | null }>(
      `SELECT r.*,
              (SELECT to_jsonb(p) FROM chat_participants p
                WHERE p.tenant_id = r.tenant_id AND p.room_id = r.id AND p.profile_id = $3) AS p
         FROM chat_rooms r WHERE r.tenant_id = $1 AND r.id = $2
         ${tx ? 'FOR UPDATE OF r' : ''}`,
      [actor.tenantId, roomId, actor.profileId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const { p, ...room } = row;
    return { room, participant: p ? reviveParticipant(p) : undefined };
  }
}

/** to_jsonb turns timestamps into strings; the views expect Dates like every other row. */
function reviveParticipant(p: ParticipantRow): ParticipantRow {
  return { ...p, joined_at: new Date(p.joined_at) };
}

export function isActive(p?: ParticipantRow): boolean {
  return p?.status === 'active';
}

/** Pure, so the whole permission table has unit tests. */
export function assertAllowed({ room, participant }: RoomAccess, permission: RoomPermission): void {
  const member = participant && isActive(participant) ? participant : undefined;
  if (!member && room.room_type !== 'public') throw RoomErrors.notFound();
  if (permission === 'view') return;
  if (!member) throw RoomErrors.notParticipant();
  switch (permission) {
    case 'read':
      return;
    case 'post':
      if (member.role === 'viewer') throw RoomErrors.forbiddenRole('Viewers cannot post');
      if (room.status === 'archived') throw RoomErrors.archived();
      return;
    case 'manage':
      if (!MANAGERS.includes(member.role)) throw RoomErrors.forbiddenRole();
      return;
    case 'own':
      if (member.role !== 'owner') throw RoomErrors.forbiddenRole('Only an owner can do this');
      return;
  }
}
