import { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { Message } from './messages';

type Ack = (answer: unknown) => void;

/**
 * Bare socket.io on the baseline's HTTP server: no handshake auth, no access check. `room.subscribe`
 * joins the room and acks in the API's shape, so the same client code drives both sides.
 */
export function attachRealtime(http: HttpServer): Server {
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('room.subscribe', (payload: { roomId?: unknown } | undefined, ack?: Ack) => {
      if (typeof payload?.roomId !== 'string') {
        return ack?.({ ok: false, error: 'validation_failed', message: 'roomId' });
      }
      void socket.join(`room:${payload.roomId}`);
      ack?.({ ok: true, lastSeq: 0, missed: [], hasMore: false });
    });
  });
  return io;
}

/** The `room.event` Parley emits for a new message, to the room's sockets. */
export function broadcast(io: Server, message: Message): void {
  io.to(`room:${message.roomId}`).emit('room.event', {
    roomId: message.roomId,
    seq: message.seq,
    type: 'message.created',
    data: message,
    createdAt: message.createdAt,
  });
}
