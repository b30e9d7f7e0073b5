import { RoomEvent } from '../events/room-event';

export interface SequencerOptions {
  /** How long an out-of-order event waits for the ones before it before the log is read. */
  gapWaitMs: number;
  /** The page size of `fetchAfter`; a shorter page means the log has nothing more yet. */
  pageSize: number;
  /** Stored events after `seq`, oldest first (RoomEventLog.listAfter). */
  fetchAfter(seq: number): Promise<RoomEvent[]>;
  deliver(event: RoomEvent): void;
  onError(err: unknown): void;
}

/**
 * Puts one room's events back into `seq` order on this node, whatever order they arrive in.
 *
 * Why it is needed: `seq` is assigned under the room row lock, so commits happen in `seq` order, but the
 * publishing does not: two sends on one node may publish in either order, and with several nodes the
 * events of one room reach a node over Redis from different publishers, which interleave freely.
 *
 * How: `position` is the last delivered seq. An event with `position + 1` is delivered at once (and with
 * it whatever it unblocks); a later one is held. If the gap is still open after `gapWaitMs` (an event
 * lost in Redis pub/sub, a crashed node that committed but never published), the missing events are
 * read from the log. The read is complete up to every held event: a held event is committed, and
 * everything before it committed earlier because the room lock orders the commits. So after a read the
 * holes are filled and delivery goes on; older or repeated events are dropped by `seq`.
 *
 * The sequencer starts (`start`) at a stored `last_seq` read after it was created: every event after
 * that seq committed after the read began, so it reaches this node after the sequencer exists.
 */
export class RoomSequencer {
  private last?: number;
  private readonly held = new Map<number, RoomEvent>();
  private timer?: NodeJS.Timeout;
  private filling = false;
  private closed = false;

  constructor(private readonly options: SequencerOptions) {}

  /** The last delivered seq; undefined before `start`. */
  get position(): number | undefined {
    return this.last;
  }

  start(lastSeq: number): void {
    if (this.last !== undefined || this.closed) return;
    this.last = lastSeq;
    this.drain();
  }

  offer(event: RoomEvent): void {
    if (this.closed || (this.last !== undefined && event.seq <= this.last)) return;
    this.held.set(event.seq, event);
    if (this.last !== undefined) this.drain();
  }

  close(): void {
    this.closed = true;
    this.held.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(event: RoomEvent): void {
    this.last = event.seq;
    this.options.deliver(event);
  }

  private drain(): void {
    if (this.closed || this.last === undefined) return;
    for (const seq of this.held.keys()) if (seq <= this.last) this.held.delete(seq);
    let next = this.held.get(this.last + 1);
    while (next) {
      this.held.delete(next.seq);
      this.emit(next);
      next = this.held.get(this.last + 1);
    }
    if (this.held.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (!this.timer && !this.filling) {
      this.timer = setTimeout(() => void this.fill(), this.options.gapWaitMs);
      this.timer.unref();
    }
  }

  private async fill(): Promise<void> {
    this.timer = undefined;
    this.filling = true;
    try {
      for (;;) {
        const page = await this.options.fetchAfter(this.last!);
        if (this.closed) return;
        // Events may have been delivered by `drain` while the read was on its way.
        for (const event of page) if (event.seq > this.last!) this.emit(event);
        if (page.length < this.options.pageSize) break;
      }
    } catch (err) {
      this.options.onError(err);
    } finally {
      this.filling = false;
      this.drain();
    }
  }
}
