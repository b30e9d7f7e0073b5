import { Injectable } from '@nestjs/common';
import { Actor, AGENT_PROFILE_PREFIX } from '../auth/actor';
import { TransactionRunner } from '../events/transaction-runner';
import { ParticipantStore } from './participant-store';
import { RoomErrors } from './rooms.errors';
import { RoomsService } from './rooms.service';
import { RoomView, toRoomView } from './room.types';

/** The DM key is the sorted pair: the same for both orders, unique per tenant. */
export const dmKey = (a: string, b: string): string => JSON.stringify([a, b].sort());

@Injectable()
export class DmsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly rooms: RoomsService,
    private readonly participants: ParticipantStore,
  ) {}

  /**
   * Get-or-create through the unique dm_key: INSERT ... ON CONFLICT DO NOTHING, then read. Concurrent
   * calls for one pair, in either order, meet on one room. Re-opening a DM brings back a side that left.
   */
  async getOrCreate(
    actor: Actor,
    profileId: string,
  ): Promise<{ room: RoomView; created: boolean }> {
    if (profileId === actor.profileId) throw RoomErrors.selfDm();
    if (profileId.startsWith(AGENT_PROFILE_PREFIX)) throw RoomErrors.reservedProfile();
    const key = dmKey(actor.profileId, profileId);
    return this.db.run(async (tx) => {
      const inserted = await this.rooms.insert(tx, actor, {
        name: 'Direct message',
        roomType: 'dm',
        maxParticipants: 2,
        dmKey: key,
      });
      const [room] = inserted
        ? [inserted]
        : await tx.query<Parameters<typeof toRoomView>[0]>(
            `SELECT * FROM chat_rooms WHERE tenant_id = $1 AND dm_key = $2 FOR UPDATE`,
            [actor.tenantId, key],
          );
      for (const side of [actor.profileId, profileId]) {
        const existing = inserted ? undefined : await this.participants.find(tx, room, side);
        if (existing?.status !== 'active') await this.participants.enroll(tx, room, side, 'member');
      }
      return { room: toRoomView(await this.rooms.reload(tx, room)), created: !!inserted };
    });
  }
}
