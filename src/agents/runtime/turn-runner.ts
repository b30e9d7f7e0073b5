import { setMaxListeners } from 'node:events';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { filter, Subscription } from 'rxjs';
import { RoomEvent } from '../../events/room-event';
import { RoomEventBus } from '../../events/room-event-bus';
import { TurnExecutor, TurnTrigger } from './turn-executor';

/**
 * Starts a turn for every committed user message of a session, whichever path stored it (the session
 * route, the plain messages route, the socket, the facade), and runs the turns of one session one at a
 * time, in order, on a promise chain per session. The bus is in-process, so exactly the node that
 * stored a message runs its turn.
 */
@Injectable()
export class TurnRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TurnRunner');
  private readonly chains = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private subscription?: Subscription;

  constructor(
    private readonly bus: RoomEventBus,
    private readonly executor: TurnExecutor,
  ) {}

  onModuleInit(): void {
    // Every running turn listens for shutdown; there is no leak in having many of them.
    setMaxListeners(0, this.shutdown.signal);
    this.subscription = this.bus.events$
      .pipe(filter((e) => e.type === 'message.created'))
      .subscribe((event) => {
        const trigger = toTrigger(event);
        if (trigger) this.enqueue(trigger);
      });
  }

  /** Stops taking turns, interrupts the running ones and waits for them, before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    this.shutdown.abort();
    await this.idle();
  }

  /** Resolves when every queued turn has ended. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private enqueue(trigger: TurnTrigger): void {
    const key = `${trigger.tenantId}\u001f${trigger.sessionId}`;
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.executor.run(trigger, this.shutdown.signal))
      .catch((err: unknown) => {
        this.logger.error(`Turn for session ${trigger.sessionId} crashed: ${String(err)}`);
      });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }
}

/** A `message.created` of role user with a session starts a turn; anything else does not. */
function toTrigger(event: RoomEvent): TurnTrigger | undefined {
  const data = event.data as { role?: unknown; agentSessionId?: unknown; seq?: unknown } | null;
  if (data?.role !== 'user' || typeof data.agentSessionId !== 'string') return undefined;
  return {
    tenantId: event.tenantId,
    roomId: event.roomId,
    sessionId: data.agentSessionId,
    seq: typeof data.seq === 'number' ? data.seq : event.seq,
  };
}
