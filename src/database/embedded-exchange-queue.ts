import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/** Messages that open or continue an extended-protocol exchange, which only Sync ends. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * The order in which the embedded database serves its connections' protocol messages. It replaces
 * pglite-socket 0.2.17's own queue, which has two faults under concurrent connections:
 * - it serves single messages first come, first served, so another connection's Parse can land between
 *   one connection's Parse, Bind and Execute (PGlite has one session, so one unnamed statement and one
 *   unnamed portal): wrong-statement binds, "portal does not exist", or one request's parameters bound
 *   to another request's SQL;
 * - after a failed message it stops serving anyone.
 * This queue keeps serving one connection until its exchange ends (Sync) and, like the stock one, for as
 * long as that connection holds a transaction open; a failure only fails that message.
 */
export class ExchangeQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (const item of this.queue.filter((i) => i.handlerId === handlerId)) {
      item.reject(new Error('Handler disconnected'));
    }
    this.queue = this.queue.filter((i) => i.handlerId !== handlerId);
  }

  /** A connection that goes away mid-transaction or mid-exchange releases the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index =
          this.owner === null ? 0 : this.queue.findIndex((i) => i.handlerId === this.owner);
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          this.owner = this.db.isInTransaction() ? item.handlerId : null;
          item.reject(err);
          continue;
        }
        const open = EXTENDED.has(item.message[0]) || this.db.isInTransaction();
        this.owner = open ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
