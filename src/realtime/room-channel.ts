import type { Server, Socket } from 'socket.io';
import { RoomEvent, toEventView } from '../events/room-event';
import type { ParticipantRole, ParticipantView } from '../rooms/room.types';
import { RoomSequencer, SequencerOptions } from './room-sequencer';

/** At most this many events in a subscribe ack; the rest are read from GET /events. */
export const MAX_MISSED = 500;

export interface Subscription {
  readonly socket: Socket;
  readonly key: string;
  readonly roomId: string;
  readonly profileId: string;
  role?: ParticipantRole;
  /**
   * `collecting`: the missed events are being read, live ones are kept in `buffer`;
   * `waiting`: acked, but this node has not yet delivered up to `floor`;
   * `joined`: in the socket.io room, gets every broadcast.
   */
  state: 'collecting' | 'waiting' | 'joined' | 'closed';
  buffer: RoomEvent[];
  /** The client has every event up to here (in `missed` or before); later ones come live. */
  floor: number;
}

export interface CatchUp {
  lastSeq: number;
  missed: ReturnType<typeof toEventView>[];
  hasMore: boolean;
}

type ChannelOptions = Pick<SequencerOptions, 'gapWaitMs' | 'pageSize' | 'fetchAfter' | 'onError'>;

/**
 * One room on this node: its sequencer and the sockets subscribed here. Every node delivers a room's
 * events to its own sockets only (`io.local`), in `seq` order, each event encoded once per broadcast.
 */
export class RoomChannel {
  readonly subs = new Set<Subscription>();
  private readonly sequencer: RoomSequencer;

  constructor(
    readonly key: string,
    private readonly io: Server,
    options: ChannelOptions,
    /** Called when a participant.left event ends a subscription. */
    private readonly onRemoved: (sub: Subscription) => void,
  ) {
    this.sequencer = new RoomSequencer({ ...options, deliver: (e) => this.deliver(e) });
  }

  add(socket: Socket, roomId: string, profileId: string): Subscription {
    const sub: Subscription = {
      socket,
      key: this.key,
      roomId,
      profileId,
      state: 'collecting',
      buffer: [],
      floor: 0,
    };
    this.subs.add(sub);
    return sub;
  }

  delete(sub: Subscription): void {
    this.subs.delete(sub);
  }

  start(lastSeq: number): void {
    this.sequencer.start(lastSeq);
  }

  offer(event: RoomEvent): void {
    this.sequencer.offer(event);
  }

  close(): void {
    this.sequencer.close();
  }

  /**
   * The ack of a subscribe: the stored events after `afterSeq` merged with those delivered live while
   * they were read, deduplicated by seq. Must run in the same tick as the ack and `activate`.
   */
  catchUp(sub: Subscription, afterSeq: number | undefined, stored: RoomEvent[], roomLast: number) {
    const position = this.sequencer.position ?? roomLast;
    const bySeq = new Map<number, RoomEvent>();
    if (afterSeq !== undefined) {
      for (const e of [...stored, ...sub.buffer]) if (e.seq > afterSeq) bySeq.set(e.seq, e);
    }
    const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const lastSeq = Math.max(position, roomLast, all.at(-1)?.seq ?? 0);
    sub.buffer = [];
    sub.floor = Math.max(lastSeq, afterSeq ?? 0);
    const result: CatchUp = {
      lastSeq,
      missed: all.slice(0, MAX_MISSED).map(toEventView),
      hasMore: stored.length > MAX_MISSED || all.length > MAX_MISSED,
    };
    return result;
  }

  /** After the ack: live from here on, once this node has delivered everything the ack covered. */
  activate(sub: Subscription): void {
    if (sub.state !== 'collecting') return;
    sub.state = 'waiting';
    if ((this.sequencer.position ?? 0) >= sub.floor) this.join(sub);
  }

  private join(sub: Subscription): void {
    sub.state = 'joined';
    void sub.socket.join(this.key);
  }

  private deliver(event: RoomEvent): void {
    for (const sub of this.subs) {
      if (sub.state === 'collecting') sub.buffer.push(event);
      else if (sub.state === 'waiting' && event.seq > sub.floor) this.join(sub);
    }
    this.io.local.to(this.key).emit('room.event', { roomId: event.roomId, ...toEventView(event) });
    if (event.type === 'participant.left' || event.type === 'participant.updated') {
      const p = event.data as ParticipantView;
      for (const sub of [...this.subs]) {
        if (sub.profileId !== p.profileId) continue;
        // Removed participants stop getting events right after the one that removed them.
        if (event.type === 'participant.left') this.onRemoved(sub);
        else sub.role = p.role;
      }
    }
  }
}
