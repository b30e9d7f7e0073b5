import { io, Socket } from 'socket.io-client';
import type { TestApp } from './test-app';

export type { Socket };

export interface Ack {
  ok: boolean;
  error?: string;
  message?: unknown;
  [key: string]: unknown;
}

export interface RoomEventMessage {
  roomId: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
}

const open = new Set<Socket>();

/** A real socket.io client, websocket only, as the API prescribes; not connected yet. */
export function client(t: TestApp, token?: string): Socket {
  const socket = io(t.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
  });
  open.add(socket);
  return socket;
}

/** Connects and resolves once the server accepted the handshake. */
export function connect(t: TestApp, token: string): Promise<Socket> {
  const socket = client(t, token);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Resolves with the handshake refusal; fails if the server let the socket in. */
export function connectError(t: TestApp, token?: string): Promise<Error & { data?: unknown }> {
  const socket = client(t, token);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', (err) => resolve(err));
  });
}

/** Emits with an ack and waits for it (a missing ack fails the test instead of hanging it). */
export function request(socket: Socket, event: string, ...args: unknown[]): Promise<Ack> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<Ack>;
}

/** Records every `event` a socket receives, with a way to wait for one. */
export class Recorder<T = unknown> {
  readonly items: T[] = [];
  private waiters: { test: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  constructor(socket: Socket, event: string) {
    socket.on(event, (item: T) => {
      this.items.push(item);
      this.waiters = this.waiters.filter((w) => (w.test(item) ? (w.resolve(item), false) : true));
    });
  }

  /** The first item, past or future, that passes `test`. */
  next(test: (item: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const seen = this.items.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      });
    });
  }

  /** Waits until `count` items have arrived. */
  async count(count: number, timeoutMs = 10000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`only ${this.items.length} of ${count} events in ${timeoutMs} ms`);
      }
      await sleep(20);
    }
    return this.items;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the socket is disconnected, with the reason. */
export function disconnected(socket: Socket, timeoutMs = 10000): Promise<string> {
  if (socket.disconnected && !socket.active) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Closes every socket the helpers opened (call in afterEach). */
export function closeSockets(): void {
  for (const socket of open) socket.disconnect();
  open.clear();
}
