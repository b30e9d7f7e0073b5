import { Injectable } from '@nestjs/common';
import { RoomEventLog } from '../events/room-event-log';
import { Tx } from '../events/transaction-runner';
import { PresenceService } from '../presence/presence.service';
import { RoomErrors } from './rooms.errors';
import {
  PARTICIPANT_COLUMNS,
  ParticipantRole,
  ParticipantRow,
  ParticipantStatus,
  ParticipantView,
  RoomRow,
  toParticipantView,
} from './room.types';

/**
 * Participant rows and the room events their changes append. Callers hold the room row lock
 * (RoomAccessService.require with a transaction), which serialises capacity checks per room.
 */
@Injectable()
export class ParticipantStore {
  constructor(
    private readonly events: RoomEventLog,
    private readonly presence: PresenceService,
  ) {}

  view(p: ParticipantRow): ParticipantView {
    return toParticipantView(p, this.presence.isOnline(p.tenant_id, p.profile_id));
  }

  async find(tx: Tx, room: RoomRow, profileId: string): Promise<ParticipantRow | undefined> {
    const [row] = await tx.query<ParticipantRow>(
      `SELECT ${PARTICIPANT_COLUMNS} FROM chat_participants
        WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3`,
      [room.tenant_id, room.id, profileId],
    );
    return row;
  }

  async countActive(tx: Tx, room: RoomRow, role?: ParticipantRole): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM chat_participants
        WHERE tenant_id = $1 AND room_id = $2 AND status = 'active' AND ($3::text IS NULL OR role = $3)`,
      [room.tenant_id, room.id, role ?? null],
    );
    return row.n;
  }

  /** 409 `room_full` when one more active participant would pass `maxParticipants` (0 = no limit). */
  async assertRoomForOneMore(tx: Tx, room: RoomRow): Promise<void> {
    if (room.max_participants > 0 && (await this.countActive(tx, room)) >= room.max_participants) {
      throw RoomErrors.full();
    }
  }

  /**
   * Makes `profileId` an active participant with `role`: a new row, or a re-activated one (a ban is lifted,
   * the old role is not restored). Appends `participant.joined`. Returns whether a row was created.
   */
  async enroll(
    tx: Tx,
    room: RoomRow,
    profileId: string,
    role: ParticipantRole,
  ): Promise<{ participant: ParticipantRow; created: boolean }> {
    const [row] = await tx.query<ParticipantRow & { created: boolean }>(
      `INSERT INTO chat_participants (tenant_id, room_id, profile_id, role)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, room_id, profile_id) DO UPDATE
         SET status = 'active', role = EXCLUDED.role, is_muted = false, joined_at = now(),
             updated_at = now()
       RETURNING ${PARTICIPANT_COLUMNS}, (xmax = 0) AS created`,
      [room.tenant_id, room.id, profileId, role],
    );
    const { created, ...participant } = row;
    await this.events.append(
      tx,
      room.tenant_id,
      room.id,
      'participant.joined',
      this.view(participant),
    );
    return { participant, created };
  }

  async setStatus(
    tx: Tx,
    room: RoomRow,
    profileId: string,
    status: Exclude<ParticipantStatus, 'active'>,
  ): Promise<ParticipantRow> {
    const [row] = await tx.query<ParticipantRow>(
      `UPDATE chat_participants SET status = $4, updated_at = now()
        WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3
        RETURNING ${PARTICIPANT_COLUMNS}`,
      [room.tenant_id, room.id, profileId, status],
    );
    await this.events.append(tx, room.tenant_id, room.id, 'participant.left', this.view(row));
    return row;
  }

  async update(
    tx: Tx,
    room: RoomRow,
    profileId: string,
    changes: { role?: ParticipantRole; isMuted?: boolean },
  ): Promise<ParticipantRow> {
    const [row] = await tx.query<ParticipantRow>(
      `UPDATE chat_participants
          SET role = COALESCE($4, role), is_muted = COALESCE($5, is_muted), updated_at = now()
        WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3
        RETURNING ${PARTICIPANT_COLUMNS}`,
      [room.tenant_id, room.id, profileId, changes.role ?? null, changes.isMuted ?? null],
    );
    await this.events.append(tx, room.tenant_id, room.id, 'participant.updated', this.view(row));
    return row;
  }

  /**
   * An owner may step down to another role only while another active owner remains, even when alone:
   * a room without an owner could never again be archived, nor take new participants if it is private.
   */
  async assertAnotherOwner(tx: Tx, room: RoomRow): Promise<void> {
    if ((await this.countActive(tx, room, 'owner')) <= 1) throw RoomErrors.ownerMustTransfer();
  }

  /** The last owner may not leave a room that still has other active participants. */
  async assertNotLastOwner(tx: Tx, room: RoomRow, leaving: ParticipantRow): Promise<void> {
    if (leaving.role !== 'owner') return;
    const [owners, everyone] = await Promise.all([
      this.countActive(tx, room, 'owner'),
      this.countActive(tx, room),
    ]);
    if (owners <= 1 && everyone > 1) throw RoomErrors.ownerMustTransfer();
  }
}
