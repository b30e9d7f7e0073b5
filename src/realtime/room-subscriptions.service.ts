import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { Actor } from '../auth/actor';
import { RoomEvent } from '../events/room-event';
import { RoomEventLog } from '../events/room-event-log';
import { RoomAccessService } from '../rooms/room-access.service';
import { RoomErrors } from '../rooms/rooms.errors';
import { chatRoom, profileRoom } from './realtime-keys';
import { RealtimeErrors } from './realtime.errors';
import { CatchUp, MAX_MISSED, RoomChannel, Subscription } from './room-channel';
import { TypingThrottle } from './socket-limits';

/** An out-of-order event waits this long for the ones before it, then the gap is read from the log. */
const GAP_WAIT_MS = 250;
const TYPING_INTERVAL_MS = 2000;

interface SocketRooms {
  subs: Map<string, Subscription>;
  typing: TypingThrottle;
}

/**
 * The rooms that this node's sockets are subscribed to. A subscription becomes live only after the
 * access check (`read`: active participants, viewers included), and the subscribe ack and the switch to
 * live delivery happen in one tick, so a client sees `missed` first and then only later events.
 */
@Injectable()
export class RoomSubscriptions implements OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private readonly channels = new Map<string, RoomChannel>();
  private readonly sockets = new WeakMap<Socket, SocketRooms>();
  private io?: Server;

  constructor(
    private readonly access: RoomAccessService,
    private readonly log: RoomEventLog,
  ) {}

  attach(io: Server): void {
    this.io = io;
  }

  /** Every stored room event that reaches this node, from this node's bus or from another node. */
  offer(event: RoomEvent): void {
    this.channels.get(chatRoom(event.tenantId, event.roomId))?.offer(event);
  }

  async subscribe(
    socket: Socket,
    actor: Actor,
    roomId: string,
    afterSeq: number | undefined,
    reply: (ack: CatchUp) => void,
  ): Promise<void> {
    const key = chatRoom(actor.tenantId, roomId);
    const state = this.stateOf(socket);
    this.close(state.subs.get(key));
    // Registered before the access check: a kick that commits after the check reaches this
    // subscription through the sequencer and ends it; one that committed before fails the check.
    const channel = this.channelFor(actor.tenantId, roomId);
    const sub = channel.add(socket, roomId, actor.profileId);
    state.subs.set(key, sub);
    try {
      const { room, participant } = await this.access.require(actor, roomId, 'read');
      sub.role = participant?.role;
      channel.start(Number(room.last_seq));
      const stored =
        afterSeq === undefined
          ? []
          : await this.log.listAfter(actor.tenantId, roomId, afterSeq, MAX_MISSED + 1);
      if (sub.state === 'closed') throw RoomErrors.notFound();
      // From here to `activate` nothing awaits: no live event can slip between the ack and the join.
      reply(channel.catchUp(sub, afterSeq, stored, Number(room.last_seq)));
      channel.activate(sub);
    } catch (err) {
      this.close(sub);
      throw err;
    }
  }

  unsubscribe(socket: Socket, actor: Actor, roomId: string): void {
    const key = chatRoom(actor.tenantId, roomId);
    this.close(this.sockets.get(socket)?.subs.get(key));
  }

  /** Typing goes to the room's other subscribers on every node, not to the sender's own sockets. */
  typing(socket: Socket, actor: Actor, roomId: string, isTyping: boolean): { sent: boolean } {
    const key = chatRoom(actor.tenantId, roomId);
    const state = this.sockets.get(socket);
    const sub = state?.subs.get(key);
    if (!state || !sub || sub.state === 'closed') throw RealtimeErrors.notSubscribed();
    if (sub.role === 'viewer') throw RoomErrors.forbiddenRole('Viewers cannot post');
    if (!state.typing.allow(key, isTyping)) return { sent: false };
    socket
      .to(key)
      .except(profileRoom(actor.tenantId, actor.profileId))
      .emit('typing', { roomId, profileId: actor.profileId, isTyping });
    return { sent: true };
  }

  disconnected(socket: Socket): void {
    const state = this.sockets.get(socket);
    if (!state) return;
    for (const sub of [...state.subs.values()]) this.close(sub);
    this.sockets.delete(socket);
  }

  onModuleDestroy(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  private stateOf(socket: Socket): SocketRooms {
    let state = this.sockets.get(socket);
    if (!state) {
      state = { subs: new Map(), typing: new TypingThrottle(TYPING_INTERVAL_MS) };
      this.sockets.set(socket, state);
    }
    return state;
  }

  private channelFor(tenantId: string, roomId: string): RoomChannel {
    const key = chatRoom(tenantId, roomId);
    let channel = this.channels.get(key);
    if (!channel) {
      if (!this.io) throw new Error('RoomSubscriptions used before the socket server started');
      channel = new RoomChannel(
        key,
        this.io,
        {
          gapWaitMs: GAP_WAIT_MS,
          pageSize: MAX_MISSED,
          fetchAfter: (seq) => this.log.listAfter(tenantId, roomId, seq, MAX_MISSED),
          onError: (err) => this.logger.error(`gap fill for ${key} failed: ${String(err)}`),
        },
        (sub) => this.close(sub),
      );
      this.channels.set(key, channel);
    }
    return channel;
  }

  /** Ends a subscription; the room's channel goes when its last local subscriber does. */
  private close(sub: Subscription | undefined): void {
    if (!sub || sub.state === 'closed') return;
    const wasJoined = sub.state === 'joined';
    sub.state = 'closed';
    if (wasJoined) void sub.socket.leave(sub.key);
    const state = this.sockets.get(sub.socket);
    if (state?.subs.get(sub.key) === sub) {
      state.subs.delete(sub.key);
      state.typing.forget(sub.key);
    }
    const channel = this.channels.get(sub.key);
    channel?.delete(sub);
    if (channel && channel.subs.size === 0) {
      channel.close();
      this.channels.delete(sub.key);
    }
  }
}
