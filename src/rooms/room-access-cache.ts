import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { filter, Subscription } from 'rxjs';
import { RoomEventBus } from '../events/room-event-bus';
import type { RoomAccess } from './room-access.service';

/** How long a lookup may be reused when no event says it changed (a bound for a missed event). */
const TTL_MS = 2_000;
const MAX_ENTRIES = 100_000;

/**
 * Recent room lookups, so that a request's membership check is usually no round trip. An entry is
 * forgotten as soon as any node commits a change to the room's participants or the room itself
 * (`participant.*`, `room.updated`), and after TTL_MS at the latest. Only checks outside transactions
 * use it: writes lock and re-read the room, and a send re-checks membership in its own statement.
 */
@Injectable()
export class RoomAccessCache implements OnModuleDestroy {
  private readonly rooms = new Map<string, Map<string, { access: RoomAccess; until: number }>>();
  private size = 0;
  private readonly invalidations: Subscription;

  constructor(bus: RoomEventBus) {
    this.invalidations = bus.clusterEvents$
      .pipe(filter((e) => e.type === 'room.updated' || e.type.startsWith('participant.')))
      .subscribe((e) => this.forgetRoom(e.tenantId, e.roomId));
  }

  get(tenantId: string, roomId: string, profileId: string): RoomAccess | undefined {
    const entry = this.rooms.get(roomKey(tenantId, roomId))?.get(profileId);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.access;
    this.rooms.get(roomKey(tenantId, roomId))?.delete(profileId);
    this.size--;
    return undefined;
  }

  set(tenantId: string, roomId: string, profileId: string, access: RoomAccess): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    const key = roomKey(tenantId, roomId);
    const room = this.rooms.get(key) ?? new Map();
    if (!room.has(profileId)) this.size++;
    room.set(profileId, { access, until: Date.now() + TTL_MS });
    this.rooms.set(key, room);
  }

  forgetRoom(tenantId: string, roomId: string): void {
    const key = roomKey(tenantId, roomId);
    this.size -= this.rooms.get(key)?.size ?? 0;
    this.rooms.delete(key);
  }

  onModuleDestroy(): void {
    this.invalidations.unsubscribe();
  }

  private clear(): void {
    this.rooms.clear();
    this.size = 0;
  }
}

const roomKey = (tenantId: string, roomId: string) => `${tenantId}\u001f${roomId}`;
