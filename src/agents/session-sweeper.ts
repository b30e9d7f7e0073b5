import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { SessionStore } from './session-store';

/** How often active sessions past their expiry are expired; overridable for tests. */
export const SWEEP_INTERVAL_MS = Symbol('SweepIntervalMs');
export const DEFAULT_SWEEP_INTERVAL_MS = 2_000;
const BATCH = 100;

/**
 * Expires sessions whose time ran out, so that `status` and the `session.updated` event follow the
 * clock even when nobody uses the session. Every use checks the expiry too; this is only the catch-up.
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SessionSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly store: SessionStore,
    @Inject(SWEEP_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep at a time; a full batch means there may be more, so the next tick comes soon anyway. */
  private tick(): void {
    if (this.running) return;
    this.running = this.store
      .sweep(BATCH)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.logger.warn(
          `Session sweep failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
