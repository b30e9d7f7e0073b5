import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Server } from 'socket.io';
import { Actor } from '../auth/actor';
import { RedisConfig, redisConfig } from '../config/settings';
import { TransactionRunner } from '../events/transaction-runner';
import { PresenceService, presenceKey, splitPresenceKey } from '../presence/presence.service';
import { chatRoom, NODE_EVENTS, profileRoom } from './realtime-keys';

/** A last socket's profile stays online this long, so a reload or a reconnect does not flap. */
const GRACE_MS = 3000;
/** Long enough for another node's change to arrive over Redis before deciding that nobody has it. */
const SETTLE_MS = 1000;
const HEARTBEAT_MS = 2000;
/** A node that missed three heartbeats is gone, and so are its sockets (offline within 10 s). */
const NODE_TIMEOUT_MS = 3 * HEARTBEAT_MS + 500;

type NodeBody =
  | { kind: 'hello' | 'bye' }
  | { kind: 'snapshot'; keys: string[] }
  | { kind: 'change'; key: string; online: boolean };
type NodeMessage = NodeBody & { node: string };

/**
 * Presence across nodes. Each node counts its own sockets (PresenceService) and tells the others over
 * the socket.io adapter: a change at once, its full list every HEARTBEAT_MS (which repairs a lost
 * change and doubles as the liveness signal). `online` is announced by the node where a profile's first
 * socket appears, `offline` by the node where its last one went after the grace period, or, for a node
 * that stopped or crashed, by the live node with the lowest id. Announcements go to the rooms where the
 * profile is an active participant. Races between nodes may repeat an announcement; none is lost.
 */
@Injectable()
export class PresenceRelay implements OnModuleDestroy {
  private readonly logger = new Logger('Presence');
  private readonly nodeId = randomUUID();
  private readonly multiNode: boolean;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly graces = new Map<string, NodeJS.Timeout>();
  private io?: Server;
  private stopped = false;

  constructor(
    private readonly presence: PresenceService,
    private readonly db: TransactionRunner,
    @Inject(redisConfig.KEY) redis: RedisConfig,
  ) {
    this.multiNode = Boolean(redis.url);
  }

  attach(io: Server): void {
    this.io = io;
    if (!this.multiNode) return;
    io.on(NODE_EVENTS.presence, (message: NodeMessage) => this.onNodeMessage(message));
    this.send({ kind: 'hello' });
    this.every(HEARTBEAT_MS, () =>
      this.send({ kind: 'snapshot', keys: this.presence.localKeys() }),
    );
    this.every(1000, () => this.sweep());
  }

  connected({ tenantId, profileId }: Actor): void {
    const key = presenceKey(tenantId, profileId);
    this.cancel(this.graces.get(key));
    this.graces.delete(key);
    if (!this.presence.connected(tenantId, profileId)) return;
    this.send({ kind: 'change', key, online: true });
    if (!this.presence.onOtherNodes(key)) void this.announce(key, 'online');
  }

  disconnected({ tenantId, profileId }: Actor): void {
    if (!this.presence.disconnected(tenantId, profileId) || this.stopped) return;
    const key = presenceKey(tenantId, profileId);
    this.graces.set(
      key,
      this.later(GRACE_MS, () => this.endGrace(key)),
    );
  }

  onModuleDestroy(): void {
    // Before the sockets close: the other nodes take this node's profiles offline.
    this.send({ kind: 'bye' });
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private endGrace(key: string): void {
    this.graces.delete(key);
    if (!this.presence.release(key)) return;
    this.send({ kind: 'change', key, online: false });
    // Another node may be letting the same profile go right now; wait until its change has arrived.
    const check = () => {
      if (!this.presence.isOnlineKey(key)) void this.announce(key, 'offline');
    };
    if (this.multiNode) this.later(SETTLE_MS, check);
    else check();
  }

  private onNodeMessage(message: NodeMessage): void {
    if (this.stopped || message.node === this.nodeId) return;
    const now = Date.now();
    switch (message.kind) {
      case 'hello':
        return this.send({ kind: 'snapshot', keys: this.presence.localKeys() });
      case 'snapshot':
        return this.presence.replaceNode(message.node, message.keys, now);
      case 'change':
        return this.presence.changeNode(message.node, message.key, message.online, now);
      case 'bye':
        return this.nodeGone(message.node);
    }
  }

  private sweep(): void {
    for (const node of this.presence.silentNodes(Date.now() - NODE_TIMEOUT_MS)) this.nodeGone(node);
  }

  private nodeGone(node: string): void {
    const keys = this.presence.removeNode(node);
    const leader = [this.nodeId, ...this.presence.otherNodeIds()].sort()[0];
    if (leader !== this.nodeId) return;
    for (const key of keys) if (!this.presence.isOnlineKey(key)) void this.announce(key, 'offline');
  }

  private async announce(key: string, status: 'online' | 'offline'): Promise<void> {
    const { tenantId, profileId } = splitPresenceKey(key);
    try {
      const rows = await this.db.query<{ room_id: string }>(
        `SELECT room_id FROM chat_participants
          WHERE tenant_id = $1 AND profile_id = $2 AND status = 'active'`,
        [tenantId, profileId],
      );
      if (rows.length === 0 || !this.io || this.stopped) return;
      this.io
        .to(rows.map((r) => chatRoom(tenantId, r.room_id)))
        .except(profileRoom(tenantId, profileId))
        .emit('presence', { profileId, status });
    } catch (err) {
      this.logger.error(`presence ${status} for a profile failed: ${String(err)}`);
    }
  }

  private send(body: NodeBody): void {
    if (!this.multiNode || !this.io || this.stopped) return;
    this.io.serverSideEmit(NODE_EVENTS.presence, { ...body, node: this.nodeId });
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
