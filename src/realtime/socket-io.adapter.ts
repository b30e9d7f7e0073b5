import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { MessageMappingProperties } from '@nestjs/websockets';
import { defer, Observable } from 'rxjs';
import { Server, ServerOptions, Socket } from 'socket.io';
import { LimitsConfig, limitsConfig, RedisConfig, redisConfig } from '../config/settings';

/**
 * The largest socket frame: room for the longest message REST accepts (4 bytes per character covers any
 * UTF-8 text) and its attachments, never more than the REST body limit. Engine.io refuses a bigger frame
 * by closing that connection, as an HTTP server refuses an oversized body.
 */
export function socketPayloadLimit(limits: LimitsConfig): number {
  return Math.min(limits.bodyLimitBytes, 4 * limits.messageMaxLength + 32 * 1024);
}

const DISPOSE_WAIT_MS = 2_000;

function readyWithin(client: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Every socket.io server of the app: websocket transport only, a frame size limit, and with REDIS_URL
 * the Redis adapter, so that broadcasts and server-to-server messages reach every node.
 */
export class ParleyIoAdapter extends IoAdapter {
  private readonly redisLogger = new Logger('Redis');
  private readonly handlerLogger = new Logger('Realtime');
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string | undefined,
    private readonly maxPayloadBytes: number,
  ) {
    super(app);
  }

  static for(app: INestApplicationContext): ParleyIoAdapter {
    const redis = app.get<RedisConfig>(redisConfig.KEY);
    const limits = app.get<LimitsConfig>(limitsConfig.KEY);
    return new ParleyIoAdapter(app, redis.url, socketPayloadLimit(limits));
  }

  /**
   * Plain listeners instead of IoAdapter's RxJS pipeline per event per socket, which held most of the
   * memory of an idle socket. Same contract: the handler's answer goes to the ack, or is emitted when it
   * names an event; a failing handler is logged and the socket keeps working.
   */
  bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const ack =
          typeof args.at(-1) === 'function' ? (args.pop() as (r: unknown) => void) : undefined;
        const data = args.length > 1 ? args : args[0];
        defer(() => transform(callback(data, ack))).subscribe({
          next: (response) => {
            if (response === null || response === undefined) return;
            const { event, data: payload } = response as { event?: string; data?: unknown };
            if (event) socket.emit(event, payload);
            else if (!isAckHandledManually && ack) ack(response);
          },
          error: (err: unknown) => this.handlerLogger.error(err),
        });
      });
    }
  }

  /** As IoAdapter's, plus websocket-only transport, the payload limit and the Redis adapter. */
  createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const settings: Partial<ServerOptions> = {
      ...options,
      transports: ['websocket'],
      serveClient: false,
      maxHttpBufferSize: this.maxPayloadBytes,
    };
    const server =
      this.httpServer && port === 0
        ? new Server(this.httpServer, settings)
        : new Server(port, settings);
    if (this.redisUrl) {
      const pub = this.connect(this.redisUrl, 'publisher');
      const sub = this.connect(this.redisUrl, 'subscriber');
      server.adapter(createAdapter(pub, sub, { key: 'parley' }));
    }
    return server;
  }

  /**
   * A client still connecting holds the adapter's first commands (its subscriptions) in its offline
   * queue; disconnecting it then rejects them where no one listens. So wait for it a little, and quit
   * once connected, which lets every command sent before answer first.
   */
  async dispose(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.all(
      clients.map(async (client) => {
        if (client.status !== 'ready') await readyWithin(client, DISPOSE_WAIT_MS);
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
  }

  private connect(url: string, role: string): Redis {
    const client = new Redis(url, { lazyConnect: false });
    let lastError = '';
    client.on('error', (err: Error) => {
      // ioredis retries on its own; one line per distinct failure instead of one per retry.
      if (err.message !== lastError) this.redisLogger.error(`${role}: ${err.message}`);
      lastError = err.message;
    });
    client.on('ready', () => (lastError = ''));
    // The adapter does not handle the promise of a publish; during a Redis outage its rejection
    // would be unhandled and stop the process. Such a broadcast is lost, as pub/sub may lose it anyway
    // (each node's sequencer reads the gaps from the room log).
    const publish = client.publish.bind(client) as (...args: unknown[]) => Promise<number>;
    (client as unknown as { publish: unknown }).publish = (...args: unknown[]) =>
      publish(...args).catch((err: Error) => {
        this.redisLogger.warn(`publish failed: ${err.message}`);
        return 0;
      });
    this.clients.push(client);
    return client;
  }
}
