import { Logger } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { ClassConstructor } from 'class-transformer';
import type { Server, Socket } from 'socket.io';
import { Actor } from '../auth/actor';
import { Public } from '../auth/public.decorator';
import { TokenVerifier } from '../auth/token-verifier';
import { CommonErrors } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { validateInput } from '../common/validate-input';
import { MessagesService } from '../messages/messages.service';
import { ReadMarksService } from '../messages/read-marks.service';
import {
  RoomRefDto,
  SocketReadDto,
  SocketSendMessageDto,
  SubscribeDto,
  TypingDto,
} from './dto/realtime.dto';
import { PresenceRelay } from './presence-relay';
import { profileRoom } from './realtime-keys';
import { RealtimeErrors } from './realtime.errors';
import { RealtimePublisher } from './realtime-publisher';
import { RoomSubscriptions } from './room-subscriptions.service';
import { TokenBucket } from './socket-limits';

type AckFn = (body: object) => void;
type Reply = (body: object) => void;

const CLIENT_EVENTS = new Set([
  'room.subscribe',
  'room.unsubscribe',
  'message.send',
  'typing',
  'read',
]);
/** Per socket: bursts of 50 events, 50 per second on average, and at most 50 waiting their turn. */
const EVENTS_PER_SECOND = 50;
const MAX_QUEUED = 50;
/** setTimeout's longest delay; a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Connection {
  actor: Actor;
  limiter: TokenBucket;
  /** A socket's events run one after the other, in the order the client sent them. */
  queue: Promise<void>;
  queued: number;
  expiry?: NodeJS.Timeout;
}

function unauthorized(): Error {
  return Object.assign(new Error('unauthorized'), {
    data: { error: 'unauthorized', message: 'A valid token is required in auth.token' },
  });
}

function errorAck(err: unknown, logger: Logger): object {
  const { body, internal } = toErrorBody(err);
  if (internal) logger.error(err instanceof Error ? err.stack : err);
  return { ok: false, error: body.error, message: body.message };
}

/**
 * The socket.io endpoint. The handshake is authenticated with the same TokenVerifier as HTTP, so the
 * global HTTP guard (which cannot read a socket) is switched off here with @Public(). Every client
 * event answers through its ack, `{ok: true, ...}` or `{ok: false, error, message}` with the HTTP codes.
 */
@Public()
@WebSocketGateway({ path: '/socket.io', transports: ['websocket'] })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Realtime');
  private readonly connections = new WeakMap<Socket, Connection>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly subscriptions: RoomSubscriptions,
    private readonly publisher: RealtimePublisher,
    private readonly presence: PresenceRelay,
    private readonly messages: MessagesService,
    private readonly readMarks: ReadMarksService,
  ) {}

  afterInit(io: Server): void {
    this.subscriptions.attach(io);
    this.publisher.attach(io);
    this.presence.attach(io);
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') return next(unauthorized());
      this.verifier.verify(token).then(
        ({ actor, expiresAt }) => {
          socket.data = { actor, expiresAt };
          next();
        },
        () => next(unauthorized()),
      );
    });
  }

  handleConnection(socket: Socket): void {
    const { actor, expiresAt } = socket.data as { actor: Actor; expiresAt?: number };
    const conn: Connection = {
      actor,
      limiter: new TokenBucket(EVENTS_PER_SECOND, EVENTS_PER_SECOND),
      queue: Promise.resolve(),
      queued: 0,
    };
    this.connections.set(socket, conn);
    void socket.join(profileRoom(actor.tenantId, actor.profileId));
    if (expiresAt !== undefined) this.expireAt(socket, conn, expiresAt * 1000);
    // Before any handler: a flood or an unknown event is answered here and goes no further.
    socket.use(([event, ...args], next) => {
      const refusal =
        !conn.limiter.take() || conn.queued >= MAX_QUEUED
          ? RealtimeErrors.rateLimited()
          : !CLIENT_EVENTS.has(event)
            ? RealtimeErrors.unknownEvent(event)
            : undefined;
      if (!refusal) return next();
      const ack = args.at(-1) as unknown;
      if (typeof ack === 'function') (ack as AckFn)(errorAck(refusal, this.logger));
    });
    this.presence.connected(actor);
  }

  handleDisconnect(socket: Socket): void {
    const conn = this.connections.get(socket);
    if (!conn) return;
    clearTimeout(conn.expiry);
    this.connections.delete(socket);
    this.subscriptions.disconnected(socket);
    this.presence.disconnected(conn.actor);
  }

  @SubscribeMessage('room.subscribe')
  subscribe(@ConnectedSocket() s: Socket, @MessageBody() body: unknown, @Ack() ack: AckFn): void {
    this.handle(s, ack, SubscribeDto, body, (dto, actor, reply) =>
      this.subscriptions.subscribe(s, actor, dto.roomId.toLowerCase(), dto.afterSeq, reply),
    );
  }

  @SubscribeMessage('room.unsubscribe')
  unsubscribe(@ConnectedSocket() s: Socket, @MessageBody() body: unknown, @Ack() ack: AckFn): void {
    this.handle(s, ack, RoomRefDto, body, (dto, actor) =>
      this.subscriptions.unsubscribe(s, actor, dto.roomId.toLowerCase()),
    );
  }

  @SubscribeMessage('message.send')
  send(@ConnectedSocket() s: Socket, @MessageBody() body: unknown, @Ack() ack: AckFn): void {
    this.handle(s, ack, SocketSendMessageDto, body, (dto, actor) => {
      const { roomId, ...message } = dto;
      return this.messages.send(actor, roomId.toLowerCase(), message);
    });
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() s: Socket, @MessageBody() body: unknown, @Ack() ack: AckFn): void {
    this.handle(s, ack, TypingDto, body, (dto, actor) =>
      this.subscriptions.typing(s, actor, dto.roomId.toLowerCase(), dto.isTyping),
    );
  }

  @SubscribeMessage('read')
  read(@ConnectedSocket() s: Socket, @MessageBody() body: unknown, @Ack() ack: AckFn): void {
    this.handle(s, ack, SocketReadDto, body, (dto, actor) =>
      this.readMarks.markRead(actor, dto.roomId.toLowerCase(), dto.seq),
    );
  }

  /**
   * Validates like REST, runs `work` in the socket's queue and answers exactly once: with what `work`
   * passes to `reply` or returns, or with the error mapped by toErrorBody.
   */
  private handle<T extends object>(
    socket: Socket,
    ack: AckFn | undefined,
    dto: ClassConstructor<T>,
    payload: unknown,
    work: (input: T, actor: Actor, reply: Reply) => Promise<object | void> | object | void,
  ): void {
    let answered = false;
    const answer = (body: object) => {
      if (answered) return;
      answered = true;
      if (typeof ack === 'function') ack(body);
    };
    const conn = this.connections.get(socket);
    if (!conn) return answer(errorAck(CommonErrors.unauthorized(), this.logger));
    conn.queued += 1;
    conn.queue = conn.queue.then(async () => {
      try {
        const input = await validateInput(dto, payload);
        const result = await work(input, conn.actor, (body) => answer({ ok: true, ...body }));
        answer({ ok: true, ...(result ?? {}) });
      } catch (err) {
        answer(errorAck(err, this.logger));
      } finally {
        conn.queued -= 1;
      }
    });
  }

  /** One timer per socket: it is dropped when its token expires, not by a periodic sweep. */
  private expireAt(socket: Socket, conn: Connection, at: number): void {
    const ms = at - Date.now();
    if (ms <= 0) {
      socket.disconnect(true);
      return;
    }
    conn.expiry = setTimeout(() => this.expireAt(socket, conn, at), Math.min(ms, MAX_TIMER_MS));
  }
}
