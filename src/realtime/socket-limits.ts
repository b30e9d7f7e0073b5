/**
 * A token bucket per socket: bursts up to `capacity` events, then `perSecond` on average. A client
 * that floods gets `rate_limited` acks instead of queueing work on the server.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Typing indicators per socket and room: a change of `isTyping` always goes out (a stop must not be
 * swallowed), a repeat of the same state at most once per `intervalMs`.
 */
export class TypingThrottle {
  private readonly last = new Map<string, { at: number; isTyping: boolean }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  allow(room: string, isTyping: boolean): boolean {
    const now = this.now();
    const prev = this.last.get(room);
    if (prev && prev.isTyping === isTyping && now - prev.at < this.intervalMs) return false;
    this.last.set(room, { at: now, isTyping });
    return true;
  }

  forget(room: string): void {
    this.last.delete(room);
  }
}
