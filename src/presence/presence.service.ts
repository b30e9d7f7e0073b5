import { Injectable } from '@nestjs/common';

/**
 * Who is online: a profile is online while it has at least one socket. The realtime gateway reports
 * connections; rooms read it for `onlineStatus`. Counts are per node; see the realtime module for how
 * nodes share them.
 */
@Injectable()
export class PresenceService {
  private readonly sockets = new Map<string, number>();

  /** Returns true when this was the profile's first socket. */
  connected(tenantId: string, profileId: string): boolean {
    const key = `${tenantId}\u001f${profileId}`;
    const n = (this.sockets.get(key) ?? 0) + 1;
    this.sockets.set(key, n);
    return n === 1;
  }

  /** Returns true when this was the profile's last socket. */
  disconnected(tenantId: string, profileId: string): boolean {
    const key = `${tenantId}\u001f${profileId}`;
    const n = (this.sockets.get(key) ?? 1) - 1;
    if (n <= 0) this.sockets.delete(key);
    else this.sockets.set(key, n);
    return n <= 0;
  }

  isOnline(tenantId: string, profileId: string): boolean {
    return this.sockets.has(`${tenantId}\u001f${profileId}`);
  }
}
