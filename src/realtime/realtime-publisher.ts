import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Server } from 'socket.io';
import { RedisConfig, redisConfig } from '../config/settings';
import { RoomEvent } from '../events/room-event';
import { RoomEventBus } from '../events/room-event-bus';
import { chatRoom, NODE_EVENTS } from './realtime-keys';
import { RoomSubscriptions } from './room-subscriptions.service';

/**
 * From the event bus (after commit) to the sockets. Stored room events are not broadcast by the node
 * that made them: they go to every node (this one directly, the others over the Redis adapter), and
 * each node's RoomSubscriptions puts them in `seq` order and delivers them to its own sockets. That way
 * the order holds per node even when two nodes write into the same room at once.
 *
 * Agent deltas and turn events are ephemeral and come from the one node that runs the turn, in order;
 * Redis keeps the order of one publisher, so they are broadcast to the room on every node directly.
 */
@Injectable()
export class RealtimePublisher implements OnModuleDestroy {
  private readonly multiNode: boolean;
  private readonly streams: Subscription[] = [];

  constructor(
    private readonly bus: RoomEventBus,
    private readonly rooms: RoomSubscriptions,
    @Inject(redisConfig.KEY) redis: RedisConfig,
  ) {
    this.multiNode = Boolean(redis.url);
  }

  attach(io: Server): void {
    if (this.multiNode) {
      io.on(NODE_EVENTS.roomEvent, (event: RoomEvent) => {
        this.bus.receiveFromPeer(event);
        this.rooms.offer(event);
      });
    }
    this.streams.push(
      this.bus.events$.subscribe((event) => {
        this.rooms.offer(event);
        if (this.multiNode) io.serverSideEmit(NODE_EVENTS.roomEvent, event);
      }),
      this.bus.agentStream$.subscribe((event) => {
        io.to(chatRoom(event.tenantId, event.roomId)).emit(event.kind, event.payload);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stream of this.streams.splice(0)) stream.unsubscribe();
  }
}
