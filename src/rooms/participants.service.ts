import { Injectable } from '@nestjs/common';
import { Actor, AGENT_PROFILE_PREFIX } from '../auth/actor';
import { DEFAULT_LIMIT, Page, toPage } from '../common/pagination';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import {
  AddParticipantDto,
  ListParticipantsQuery,
  UpdateParticipantDto,
} from './dto/participant.dto';
import { ParticipantStore } from './participant-store';
import { assertAllowed, isActive, RoomAccessService } from './room-access.service';
import { RoomErrors } from './rooms.errors';
import { assertGroupRoom } from './rooms.service';
import {
  PARTICIPANT_COLUMNS,
  ParticipantRole,
  ParticipantRow,
  ParticipantView,
  RoomRow,
} from './room.types';

/** Which roles each role may hand out when adding someone. */
const GRANTABLE: Record<ParticipantRole, readonly ParticipantRole[]> = {
  owner: ['admin', 'member', 'viewer'],
  admin: ['member', 'viewer'],
  member: [],
  viewer: [],
};

@Injectable()
export class ParticipantsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly access: RoomAccessService,
    private readonly store: ParticipantStore,
  ) {}

  async list(
    actor: Actor,
    roomId: string,
    query: ListParticipantsQuery,
  ): Promise<Page<ParticipantView>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.db.query<ParticipantRow>(
      `SELECT ${PARTICIPANT_COLUMNS} FROM chat_participants
        WHERE tenant_id = $1 AND room_id = $2 AND status = 'active'
          AND ($3::text IS NULL OR profile_id > $3)
        ORDER BY profile_id LIMIT $4`,
      [room.tenant_id, room.id, query.after ?? null, limit + 1],
    );
    return toPage(
      rows.map((p) => this.store.view(p)),
      limit,
    );
  }

  /** Self-service join of a public room: idempotent, refused when banned or full. */
  async join(actor: Actor, roomId: string): Promise<ParticipantView> {
    return this.db.run(async (tx) => {
      const { room, participant } = await this.access.require(actor, roomId, 'view', tx);
      if (room.room_type !== 'public') throw RoomErrors.notFound();
      if (participant && isActive(participant)) return this.store.view(participant);
      if (participant?.status === 'banned') throw RoomErrors.banned();
      if (room.status === 'archived') throw RoomErrors.archived();
      await this.store.assertRoomForOneMore(tx, room);
      const { participant: joined } = await this.store.enroll(tx, room, actor.profileId, 'member');
      return this.store.view(joined);
    });
  }

  async leave(actor: Actor, roomId: string): Promise<ParticipantView> {
    return this.db.run(async (tx) => {
      const { room, participant } = await this.access.require(actor, roomId, 'read', tx);
      return this.store.view(await this.depart(tx, room, participant!, 'left'));
    });
  }

  /** 201 for a new participant, 200 for a re-activated one (a ban is lifted) or one already there. */
  async add(
    actor: Actor,
    roomId: string,
    dto: AddParticipantDto,
  ): Promise<{ participant: ParticipantView; created: boolean }> {
    const role = dto.role ?? 'member';
    if (dto.profileId.startsWith(AGENT_PROFILE_PREFIX)) throw RoomErrors.reservedProfile();
    return this.db.run(async (tx) => {
      // The room type comes before the role: nobody adds to a dm or agent room (400), not even its pair.
      const access = await this.access.require(actor, roomId, 'view', tx);
      assertGroupRoom(access.room);
      assertAllowed(access, 'manage');
      const { room, participant: me } = access;
      if (!GRANTABLE[me!.role].includes(role)) {
        throw RoomErrors.forbiddenRole(`A ${me!.role} cannot add a participant as ${role}`);
      }
      if (room.status === 'archived') throw RoomErrors.archived();
      const existing = await this.store.find(tx, room, dto.profileId);
      if (existing && isActive(existing)) {
        return { participant: this.store.view(existing), created: false };
      }
      await this.store.assertRoomForOneMore(tx, room);
      const { participant, created } = await this.store.enroll(tx, room, dto.profileId, role);
      return { participant: this.store.view(participant), created };
    });
  }

  async update(
    actor: Actor,
    roomId: string,
    profileId: string,
    dto: UpdateParticipantDto,
  ): Promise<ParticipantView> {
    return this.db.run(async (tx) => {
      const { room, participant: me } = await this.access.require(actor, roomId, 'read', tx);
      const target = await this.store.find(tx, room, profileId);
      if (!target || !isActive(target)) throw RoomErrors.participantNotFound();
      if (dto.isMuted !== undefined && profileId !== actor.profileId) {
        throw RoomErrors.forbiddenRole('Only participants themselves can mute a room');
      }
      // Sending a role at all is an owner's business, even when it is the role the target has.
      if (dto.role !== undefined) {
        if (me!.role !== 'owner') throw RoomErrors.forbiddenRole('Only an owner can change roles');
        assertGroupRoom(room);
        if (target.role === 'owner' && dto.role !== 'owner') {
          await this.store.assertAnotherOwner(tx, room);
        }
      }
      const changes = {
        role: dto.role !== target.role ? dto.role : undefined,
        isMuted: dto.isMuted !== target.is_muted ? dto.isMuted : undefined,
      };
      // Nothing that differs: no write and no event.
      if (changes.role === undefined && changes.isMuted === undefined) {
        return this.store.view(target);
      }
      return this.store.view(await this.store.update(tx, room, profileId, changes));
    });
  }

  /** Self: leave. Owner: kick or ban anyone. Admin: members and viewers. */
  async remove(actor: Actor, roomId: string, profileId: string, ban: boolean): Promise<void> {
    await this.db.run(async (tx) => {
      const { room, participant: me } = await this.access.require(actor, roomId, 'read', tx);
      if (profileId === actor.profileId && !ban) {
        await this.depart(tx, room, me!, 'left');
        return;
      }
      if (profileId === actor.profileId) throw RoomErrors.forbiddenRole('You cannot ban yourself');
      assertGroupRoom(room);
      const target = await this.store.find(tx, room, profileId);
      if (!target) throw RoomErrors.participantNotFound();
      const mayRemove =
        me!.role === 'owner' ||
        (me!.role === 'admin' && ['member', 'viewer'].includes(target.role));
      if (!mayRemove) throw RoomErrors.forbiddenRole();
      if (ban && target.status === 'banned') return;
      if (!ban && !isActive(target)) throw RoomErrors.participantNotFound();
      await this.depart(tx, room, target, ban ? 'banned' : 'kicked');
    });
  }

  private async depart(
    tx: Tx,
    room: RoomRow,
    who: ParticipantRow,
    status: 'left' | 'kicked' | 'banned',
  ): Promise<ParticipantRow> {
    if (status === 'left') await this.store.assertNotLastOwner(tx, room, who);
    return this.store.setStatus(tx, room, who.profile_id, status);
  }
}
