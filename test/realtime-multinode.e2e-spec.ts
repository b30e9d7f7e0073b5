import { createConnection } from 'node:net';
import { RoomEventBus } from '../src/events/room-event-bus';
import { sendMessage } from './support/messages';
import {
  expectError,
  expectStatus,
  listParticipants,
  roomEvents,
  roomWith,
  User,
} from './support/rooms';
import {
  closeSockets,
  connect,
  Recorder,
  request,
  RoomEventMessage,
  sleep,
} from './support/sockets';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

/** CI sets REDIS_URL; on a developer machine the local Redis is the default. */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Fails the suite with a clear message instead of skipping it when Redis is not there. */
async function assertRedisReachable(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new Error(
          `The multi-node realtime tests need Redis at ${url} (${why}). Start Redis or set REDIS_URL.`,
        ),
      );
    };
    socket.setTimeout(2000, () => fail('timed out'));
    socket.once('error', (err) => fail(err.message));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  await assertRedisReachable(REDIS_URL);
  a = await startTestApp({ REDIS_URL });
  b = await startTestApp({ REDIS_URL });
  // The nodes learn of each other through their first presence messages.
  await sleep(300);
});
afterEach(() => closeSockets());
afterAll(async () => {
  await a?.close();
  await b?.close();
});

async function setup() {
  const { tenantId, users } = makeTenant('owner', 'alice', 'bob', 'carol');
  const room = await roomWith(a, users.owner, [
    [users.alice, 'member'],
    [users.bob, 'member'],
    [users.carol, 'member'],
  ]);
  return { tenantId, users, roomId: room.id };
}

async function subscribed(node: TestApp, user: User, roomId: string) {
  const socket = await connect(node, user.token);
  const events = new Recorder<RoomEventMessage>(socket, 'room.event');
  const ack = await request(socket, 'room.subscribe', { roomId });
  expect(ack).toMatchObject({ ok: true });
  return { socket, events, ack };
}

describe('two nodes on one Redis', () => {
  it('delivers on A what is sent on B, over REST and over a socket', async () => {
    const { users, roomId } = await setup();
    const onA = await subscribed(a, users.alice, roomId);
    const rest = await sendMessage(b, users.bob, roomId, 'from B over REST');
    const bobOnB = await connect(b, users.bob.token);
    const ack = await request(bobOnB, 'message.send', { roomId, content: 'from B over a socket' });
    expect(ack).toMatchObject({ ok: true });
    await onA.events.count(2);
    expect(onA.events.items.map((e) => [e.seq, e.data.content])).toEqual([
      [rest.seq, 'from B over REST'],
      [rest.seq + 1, 'from B over a socket'],
    ]);
  });

  it('keeps seq order for every subscriber when both nodes write into one room', async () => {
    const { tenantId, users, roomId } = await setup();
    const subs = await Promise.all([
      subscribed(a, users.owner, roomId),
      subscribed(a, users.carol, roomId),
      subscribed(b, users.alice, roomId),
      subscribed(b, users.carol, roomId),
    ]);
    const start = (subs[0].ack.lastSeq as number) + 1;
    await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        sendMessage(n % 2 ? a : b, n % 3 ? users.alice : users.bob, roomId, `m${n}`),
      ),
    );
    const expected = Array.from({ length: 120 }, (_, i) => start + i);
    for (const sub of subs) {
      await sub.events.count(120, 15000);
      expect(sub.events.items.map((e) => e.seq)).toEqual(expected);
    }
    expect((await roomEvents(a, tenantId, roomId)).map((e) => e.seq).slice(-120)).toEqual(expected);
  });

  it('takes a kicked participant out of the room on every node', async () => {
    const { users, roomId } = await setup();
    const bobOnA = await subscribed(a, users.bob, roomId);
    const ownerOnB = await subscribed(b, users.owner, roomId);
    const res = await b.http
      .delete(`/v1/rooms/${roomId}/participants/${encodeURIComponent(users.bob.profileId)}`)
      .set(users.owner.auth);
    expectStatus(res, 204);
    await bobOnA.events.next((e) => e.type === 'participant.left');
    const after = await sendMessage(b, users.alice, roomId, 'not for bob');
    await ownerOnB.events.next((e) => e.seq === after.seq);
    const typing = new Recorder(bobOnA.socket, 'typing');
    const alice = await subscribed(b, users.alice, roomId);
    await request(alice.socket, 'typing', { roomId, isTyping: true });
    await sleep(300);
    expect(bobOnA.events.items.map((e) => e.type)).toEqual(['participant.left']);
    expect(typing.items).toEqual([]);
    expect(bobOnA.socket.connected).toBe(true);
  });

  it('forgets a kicked participant on every node: reads on A fail as soon as B kicks', async () => {
    const { users, roomId } = await setup();
    const read = () => a.http.get(`/v1/rooms/${roomId}/messages`).set(users.bob.auth);
    expectStatus(await read(), 200);
    const bobOnA = await subscribed(a, users.bob, roomId);
    const res = await b.http
      .delete(`/v1/rooms/${roomId}/participants/${encodeURIComponent(users.bob.profileId)}`)
      .set(users.owner.auth);
    expectStatus(res, 204);
    // Node A has seen the kick once its socket got it; its cached lookup must be gone by then.
    await bobOnA.events.next((e) => e.type === 'participant.left');
    expectError(await read(), 403, 'not_a_participant');
  });

  it('carries typing and agent output across nodes', async () => {
    const { tenantId, users, roomId } = await setup();
    const onA = await subscribed(a, users.alice, roomId);
    const onB = await subscribed(b, users.bob, roomId);
    const typing = new Recorder(onA.socket, 'typing');
    const deltas = new Recorder(onA.socket, 'agent.delta');
    await request(onB.socket, 'typing', { roomId, isTyping: true });
    expect(await typing.next()).toEqual({ roomId, profileId: users.bob.profileId, isTyping: true });
    const payload = { sessionId: 's', turnId: 't', index: 0, text: 'hi' };
    b.app.get(RoomEventBus).publishAgent({ kind: 'agent.delta', tenantId, roomId, payload });
    expect(await deltas.next()).toEqual(payload);
  });

  it('announces presence across nodes and answers onlineStatus on both', async () => {
    const { users, roomId } = await setup();
    const watcher = await subscribed(b, users.bob, roomId);
    const presence = new Recorder<{ profileId: string; status: string }>(
      watcher.socket,
      'presence',
    );
    const carol = (status: string) => (p: { profileId: string; status: string }) =>
      p.profileId === users.carol.profileId && p.status === status;
    const onlineStatus = async (node: TestApp) =>
      (await listParticipants(node, users.bob, roomId)).find(
        (p) => p.profileId === users.carol.profileId,
      )?.onlineStatus;

    const onA = await connect(a, users.carol.token);
    await presence.next(carol('online'));
    await sleep(200);
    expect([await onlineStatus(a), await onlineStatus(b)]).toEqual(['online', 'online']);

    // A second socket on the other node, then the first goes: still online.
    const onB = await connect(b, users.carol.token);
    onA.disconnect();
    await sleep(5000);
    expect(presence.items.filter(carol('offline'))).toEqual([]);
    expect(await onlineStatus(a)).toBe('online');

    onB.disconnect();
    const gone = Date.now();
    await presence.next(carol('offline'), 10000);
    expect(Date.now() - gone).toBeLessThan(10000);
    await sleep(200);
    expect([await onlineStatus(a), await onlineStatus(b)]).toEqual(['offline', 'offline']);
    expect(presence.items.filter(carol('online'))).toHaveLength(1);
  }, 30000);
});
