import { randomBytes } from 'node:crypto';
import { RoomEventPayload } from './sockets';
import { now } from './stats';

/** Message content that carries its own send time: `bench|<phase tag>|<key>|<sent at, ms>`. */
export const stampedContent = (tag: string, key: string) =>
  `bench|${tag}|${key}|${now().toFixed(3)}`;

/**
 * Counts what the socket clients receive: latency of each delivery of the current phase, deliveries per
 * message (so a closed loop can wait for one message to reach everyone), and `seq` order per client.
 */
export class DeliveryTracker {
  latencies: number[] = [];
  received = 0;
  outOfOrder = 0;
  lastDeliveryAt = 0;
  private tag = '';
  private readonly lastSeq = new Map<number, number>();
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();

  /** Clients that subscribed: each message is expected this many times. */
  constructor(public clients: number) {}

  /** Starts counting a new phase; deliveries of earlier phases are ignored from now on. */
  beginPhase(name: string): string {
    this.tag = `${name}-${randomBytes(3).toString('hex')}`;
    this.latencies = [];
    this.received = 0;
    this.counts.clear();
    return this.tag;
  }

  onEvent = (client: number, event: RoomEventPayload): void => {
    const at = now();
    const last = this.lastSeq.get(client);
    if (last !== undefined && !(event.seq > last)) this.outOfOrder++;
    this.lastSeq.set(client, event.seq);
    if (event.type !== 'message.created') return;
    const parts = event.data?.content?.split('|');
    if (!parts || parts[0] !== 'bench' || parts[1] !== this.tag) return;
    this.latencies.push(at - Number(parts[3]));
    this.received++;
    this.lastDeliveryAt = at;
    const count = (this.counts.get(parts[2]) ?? 0) + 1;
    this.counts.set(parts[2], count);
    if (count >= this.clients) this.waiters.get(parts[2])?.();
  };

  /** Resolves true once every client got message `key`, false after `timeoutMs`. */
  waitAll(key: string, timeoutMs: number): Promise<boolean> {
    if ((this.counts.get(key) ?? 0) >= this.clients) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(key, () => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(true);
      });
    });
  }

  /** Waits until `expected` deliveries of this phase arrived, or `timeoutMs` passed. */
  async drain(expected: number, timeoutMs: number): Promise<void> {
    const deadline = now() + timeoutMs;
    while (this.received < expected && now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
