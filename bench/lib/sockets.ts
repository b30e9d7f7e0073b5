import { io, Socket } from 'socket.io-client';

/** The `room.event` payload of API.md (Realtime). */
export interface RoomEventPayload {
  roomId: string;
  seq: number;
  type: string;
  data: { content?: string; role?: string } | null;
  createdAt: string;
}

export interface Subscriber {
  token?: string;
  roomId: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;

/** One socket.io client on its own connection, websocket only, no reconnection. */
export function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(new Error(`connect_error: ${err.message}`));
    });
  });
}

/** `room.subscribe {roomId}` with its ack; rejects unless the ack says ok. */
export async function subscribe(socket: Socket, roomId: string): Promise<void> {
  const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room.subscribe', { roomId })) as {
    ok?: boolean;
    error?: string;
    message?: string;
  } | null;
  if (!ack?.ok) throw new Error(`room.subscribe: ${ack?.error ?? 'no ok'} ${ack?.message ?? ''}`);
}

export interface Connected {
  sockets: Socket[];
  failures: number;
  firstError?: string;
}

/**
 * Connects and subscribes many clients, `concurrency` at a time. `onEvent(i, event)` is attached before
 * the subscription so no event after the ack is missed.
 */
export async function connectMany(
  url: string,
  subscribers: Subscriber[],
  concurrency: number,
  onEvent?: (client: number, event: RoomEventPayload) => void,
): Promise<Connected> {
  const result: Connected = { sockets: [], failures: 0 };
  let next = 0;
  const worker = async () => {
    while (next < subscribers.length) {
      const i = next++;
      try {
        const socket = await connect(url, subscribers[i].token);
        result.sockets.push(socket);
        if (onEvent) socket.on('room.event', (e: RoomEventPayload) => onEvent(i, e));
        await subscribe(socket, subscribers[i].roomId);
      } catch (err) {
        result.failures++;
        result.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

export function closeAll(sockets: Socket[]): void {
  for (const s of sockets) s.close();
}
