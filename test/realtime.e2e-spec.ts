import { RoomEventBus } from '../src/events/room-event-bus';
import { MessageBody, sendMessage } from './support/messages';
import {
  db,
  expectStatus,
  inOtherTenant,
  listParticipants,
  roomEvents,
  roomWith,
  UNKNOWN_ROOM_ID,
  User,
} from './support/rooms';
import {
  Ack,
  closeSockets,
  connect,
  connectError,
  disconnected,
  Recorder,
  request,
  RoomEventMessage,
  sleep,
} from './support/sockets';
import { makeTenant, startTestApp, TestApp } from './support/test-app';
import { tokenFor } from './support/tokens';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterEach(() => closeSockets());
afterAll(() => t.close());

/** A private room of `owner` with two members and a viewer; `outsider` is in the tenant only. */
async function setup() {
  const { tenantId, users } = makeTenant('owner', 'alice', 'bob', 'viewer', 'outsider');
  const room = await roomWith(
    t,
    users.owner,
    [
      [users.alice, 'member'],
      [users.bob, 'member'],
      [users.viewer, 'viewer'],
    ],
    { roomType: 'private' },
  );
  return { tenantId, users, roomId: room.id };
}

/** Connects `user` and subscribes to `roomId`; returns the socket, its room events and the ack. */
async function subscribed(user: User, roomId: string, afterSeq?: number) {
  const socket = await connect(t, user.token);
  const events = new Recorder<RoomEventMessage>(socket, 'room.event');
  const ack = await request(socket, 'room.subscribe', { roomId, afterSeq });
  expect(ack).toMatchObject({ ok: true });
  return { socket, events, ack };
}

function expectErrorAck(ack: Ack, error: string): void {
  expect(ack).toEqual({ ok: false, error, message: expect.any(String) });
}

describe('handshake', () => {
  it('refuses a missing, garbled, foreign, other-algorithm, expired or agent token', async () => {
    const { tenantId, users } = makeTenant('alice');
    const me = users.alice.profileId;
    const bad = [
      undefined,
      'not-a-jwt',
      tokenFor(tenantId, me, {}, 'another-secret-another-secret-another-secret'),
      tokenFor(tenantId, me, { algorithm: 'HS512' }),
      tokenFor(tenantId, me, { expiresIn: -10 }),
      tokenFor(tenantId, 'agent:echo'),
    ];
    for (const token of bad) {
      const err = await connectError(t, token);
      expect(err.message).toBe('unauthorized');
    }
    const ok = await connect(t, users.alice.token);
    expect(ok.connected).toBe(true);
  });

  it('drops a socket when its token expires, by a timer of its own', async () => {
    const { tenantId, users } = makeTenant('alice');
    const socket = await connect(t, tokenFor(tenantId, users.alice.profileId, { expiresIn: 2 }));
    const started = Date.now();
    expect(await disconnected(socket, 5000)).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(3500);
  });
});

describe('room.subscribe', () => {
  it('answers room_not_found to a non-member, another tenant and an unknown room', async () => {
    const { users, roomId } = await setup();
    for (const user of [users.outsider, inOtherTenant(users.alice)]) {
      const socket = await connect(t, user.token);
      expectErrorAck(await request(socket, 'room.subscribe', { roomId }), 'room_not_found');
    }
    const socket = await connect(t, users.alice.token);
    const ack = await request(socket, 'room.subscribe', { roomId: UNKNOWN_ROOM_ID });
    expectErrorAck(ack, 'room_not_found');
  });

  it('lets a viewer subscribe and read, but not post or type', async () => {
    const { users, roomId } = await setup();
    const viewer = await subscribed(users.viewer, roomId);
    const sent = await sendMessage(t, users.alice, roomId, 'for everyone');
    const event = await viewer.events.next((e) => e.type === 'message.created');
    expect(event).toEqual({
      roomId,
      seq: sent.seq,
      type: 'message.created',
      data: expect.objectContaining({ id: sent.id, content: 'for everyone' }),
      createdAt: expect.any(String),
    });
    const typing = await request(viewer.socket, 'typing', { roomId, isTyping: true });
    expectErrorAck(typing, 'forbidden_role');
    const send = await request(viewer.socket, 'message.send', { roomId, content: 'hi' });
    expectErrorAck(send, 'forbidden_role');
  });

  it('stops the events of a kicked participant at once; the socket stays connected', async () => {
    const { users, roomId } = await setup();
    const owner = await subscribed(users.owner, roomId);
    const bob = await subscribed(users.bob, roomId);
    const res = await t.http
      .delete(`/v1/rooms/${roomId}/participants/${encodeURIComponent(users.bob.profileId)}`)
      .set(users.owner.auth);
    expectStatus(res, 204);
    const left = await bob.events.next((e) => e.type === 'participant.left');
    expect(left.data).toMatchObject({ profileId: users.bob.profileId, status: 'kicked' });
    const after = await sendMessage(t, users.alice, roomId, 'not for bob');
    await owner.events.next((e) => e.seq === after.seq);
    await sleep(200);
    expect(bob.events.items.map((e) => e.seq)).not.toContain(after.seq);
    expect(bob.events.items.at(-1)?.type).toBe('participant.left');
    expect(bob.socket.connected).toBe(true);
    expectErrorAck(await request(bob.socket, 'room.subscribe', { roomId }), 'room_not_found');
    expectErrorAck(
      await request(bob.socket, 'typing', { roomId, isTyping: true }),
      'not_subscribed',
    );
  });

  it('stops the events after room.unsubscribe', async () => {
    const { users, roomId } = await setup();
    const alice = await subscribed(users.alice, roomId);
    const owner = await subscribed(users.owner, roomId);
    expect(await request(alice.socket, 'room.unsubscribe', { roomId })).toEqual({ ok: true });
    const sent = await sendMessage(t, users.bob, roomId);
    await owner.events.next((e) => e.seq === sent.seq);
    await sleep(100);
    expect(alice.events.items).toEqual([]);
  });
});

describe('resume', () => {
  it('gives exactly the missed events, in order, and pushes none of them again', async () => {
    const { tenantId, users, roomId } = await setup();
    const first = await subscribed(users.alice, roomId);
    const seen = await sendMessage(t, users.bob, roomId, 'seen live');
    await first.events.next((e) => e.seq === seen.seq);
    first.socket.disconnect();

    const missedMessages: MessageBody[] = [];
    for (const text of ['one', 'two', 'three']) {
      missedMessages.push(await sendMessage(t, users.bob, roomId, text));
    }
    const again = await subscribed(users.alice, roomId, seen.seq);
    const log = (await roomEvents(t, tenantId, roomId)).filter((e) => e.seq > seen.seq);
    expect(again.ack).toEqual({
      ok: true,
      lastSeq: missedMessages[2].seq,
      hasMore: false,
      missed: log.map((e) => ({ ...e, createdAt: expect.any(String) })),
    });
    expect(
      (again.ack.missed as { data: { content: string } }[]).map((e) => e.data.content),
    ).toEqual(['one', 'two', 'three']);
    const live = await sendMessage(t, users.bob, roomId, 'live again');
    await again.events.next((e) => e.seq === live.seq);
    expect(again.events.items.map((e) => e.seq)).toEqual([live.seq]);
  });

  it('without afterSeq starts at the current seq', async () => {
    const { users, roomId } = await setup();
    const before = await sendMessage(t, users.bob, roomId);
    const { ack } = await subscribed(users.alice, roomId);
    expect(ack).toEqual({ ok: true, lastSeq: before.seq, missed: [], hasMore: false });
  });

  it('caps missed at 500 and says hasMore', async () => {
    const { tenantId, users, roomId } = await setup();
    await db(t).query(
      `WITH room AS (
         UPDATE chat_rooms SET last_seq = last_seq + 600 WHERE tenant_id = $1 AND id = $2
         RETURNING last_seq - 600 AS base)
       INSERT INTO room_events (tenant_id, room_id, seq, type, data)
       SELECT $1, $2, room.base + g, 'room.updated', '{}'::jsonb
         FROM room, generate_series(1, 600) AS g`,
      [tenantId, roomId],
    );
    const { ack } = await subscribed(users.alice, roomId, 0);
    const missed = ack.missed as { seq: number }[];
    expect(missed).toHaveLength(500);
    expect(missed.map((e) => e.seq)).toEqual(missed.map((_, i) => i + 1));
    expect(ack).toMatchObject({ hasMore: true, lastSeq: missed[0].seq + 599 + 4 });
  });
});

describe('ordering', () => {
  it('reads an event that was stored but never published from the log', async () => {
    const { tenantId, users, roomId } = await setup();
    const alice = await subscribed(users.alice, roomId);
    // As if a node had committed and then died before publishing.
    await db(t).query(
      `WITH room AS (
         UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE tenant_id = $1 AND id = $2
         RETURNING last_seq)
       INSERT INTO room_events (tenant_id, room_id, seq, type, data)
       SELECT $1, $2, room.last_seq, 'room.updated', '{"lost": true}'::jsonb FROM room`,
      [tenantId, roomId],
    );
    const sent = await sendMessage(t, users.bob, roomId, 'after the lost one');
    await alice.events.count(2);
    expect(alice.events.items.map((e) => [e.seq, e.type])).toEqual([
      [sent.seq - 1, 'room.updated'],
      [sent.seq, 'message.created'],
    ]);
  });

  it('hands each subscriber missed and live events without gap or repeat while sends go on', async () => {
    const { users, roomId } = await setup();
    const first = await sendMessage(t, users.bob, roomId, 'before');
    let sending = true;
    const sender = (async () => {
      let n = 0;
      while (sending) await sendMessage(t, users.bob, roomId, `during ${n++}`);
    })();
    const subscribers = [];
    for (let i = 0; i < 5; i++) {
      subscribers.push(await subscribed(i % 2 ? users.alice : users.owner, roomId, first.seq));
      await sleep(15);
    }
    sending = false;
    await sender;
    const last = await sendMessage(t, users.bob, roomId, 'after');
    for (const { ack, events } of subscribers) {
      await events.next((e) => e.seq === last.seq);
      const missed = (ack.missed as { seq: number }[]).map((e) => e.seq);
      const seqs = [...missed, ...events.items.map((e) => e.seq)];
      expect(seqs).toEqual(
        Array.from({ length: last.seq - first.seq }, (_, i) => first.seq + 1 + i),
      );
      expect(ack.lastSeq).toBe(missed.at(-1) ?? first.seq);
    }
  });

  it('delivers 200 concurrent sends from several clients to every subscriber in seq order', async () => {
    const { tenantId, users, roomId } = await setup();
    const senders = [users.owner, users.alice, users.bob];
    const subs = await Promise.all(
      [...senders, users.viewer].map((user) => subscribed(user, roomId)),
    );
    const start = (subs[0].ack.lastSeq as number) + 1;
    // Each sender: half over its socket, half over REST, all at once.
    await Promise.all(
      senders.flatMap((user, i) => {
        const socket = subs[i].socket;
        const count = i === 0 ? 68 : 66;
        return Array.from({ length: count }, (_, n) =>
          n % 2 === 0
            ? request(socket, 'message.send', { roomId, content: `${user.profileId} ${n}` }).then(
                (ack) => expect(ack).toMatchObject({ ok: true, message: { roomId } }),
              )
            : sendMessage(t, user, roomId, `${user.profileId} ${n}`),
        );
      }),
    );
    const expected = Array.from({ length: 200 }, (_, i) => start + i);
    for (const sub of subs) {
      await sub.events.count(200, 15000);
      expect(sub.events.items.map((e) => e.seq)).toEqual(expected);
    }
    const log = await roomEvents(t, tenantId, roomId);
    expect(log.map((e) => e.seq).slice(-200)).toEqual(expected);
  });
});

describe('client events', () => {
  it('answers bad payloads with validation_failed and keeps the socket', async () => {
    const { users, roomId } = await setup();
    const socket = await connect(t, users.alice.token);
    const bad: [string, unknown][] = [
      ['room.subscribe', {}],
      ['room.subscribe', { roomId: 'nope' }],
      ['room.subscribe', { roomId, afterSeq: -1 }],
      ['room.subscribe', { roomId, tenantId: 'other' }],
      ['room.subscribe', 'just a string'],
      ['room.subscribe', null],
      ['message.send', { roomId }],
      ['message.send', { roomId, content: 'x', senderProfileId: 'someone' }],
      ['message.send', { roomId, content: 'x', role: 'assistant' }],
      ['typing', { roomId, isTyping: 'yes' }],
      ['read', { roomId, seq: 'last' }],
    ];
    for (const [event, payload] of bad) {
      const ack = await request(socket, event, payload);
      expectErrorAck(ack, 'validation_failed');
    }
    expectErrorAck(await request(socket, 'room.subscribe'), 'validation_failed');
    expectErrorAck(await request(socket, 'no.such.event', { roomId }), 'unknown_event');
    socket.emit('room.subscribe', { roomId }); // no ack asked: nothing to answer, nothing breaks
    expect(await request(socket, 'room.subscribe', { roomId })).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
  });

  it('sends messages with the same rules as REST and marks reads', async () => {
    const { users, roomId } = await setup();
    const alice = await subscribed(users.alice, roomId);
    const ack = await request(alice.socket, 'message.send', {
      roomId,
      content: 'over the socket',
      clientMessageId: 'c-1',
    });
    expect(ack).toMatchObject({
      ok: true,
      created: true,
      message: { roomId, content: 'over the socket', senderProfileId: users.alice.profileId },
    });
    const message = ack.message as MessageBody;
    const repeat = await request(alice.socket, 'message.send', {
      roomId,
      content: 'again',
      clientMessageId: 'c-1',
    });
    expect(repeat).toMatchObject({ ok: true, created: false, message: { id: message.id } });
    await alice.events.next((e) => e.seq === message.seq);

    const bob = await connect(t, users.bob.token);
    const read = await request(bob, 'read', { roomId, seq: message.seq });
    expect(read).toEqual({ ok: true, lastReadSeq: message.seq, unreadCount: 0 });
    const outsider = await connect(t, users.outsider.token);
    expectErrorAck(await request(outsider, 'read', { roomId, seq: 1 }), 'room_not_found');
    const other = await connect(t, inOtherTenant(users.alice).token);
    const foreign = await request(other, 'message.send', { roomId, content: 'hi' });
    expectErrorAck(foreign, 'room_not_found');
    for (const forged of [
      { role: 'assistant' },
      { messageType: 'tool_result' },
      { toolCallData: { name: 'clock.now' } },
      { senderProfileId: 'agent:echo' },
    ]) {
      const ackForged = await request(alice.socket, 'message.send', {
        roomId,
        content: 'x',
        ...forged,
      });
      expectErrorAck(ackForged, 'validation_failed');
    }
    const page = await t.http.get(`/v1/rooms/${roomId}/messages`).set(users.alice.auth);
    expect(page.body.items.map((m: MessageBody) => m.id)).toEqual([message.id]);
  });

  it('answers a flood with rate_limited and keeps the socket', async () => {
    const { users, roomId } = await setup();
    const socket = await connect(t, users.alice.token);
    const acks = await Promise.all(
      Array.from({ length: 80 }, () => request(socket, 'room.unsubscribe', { roomId })),
    );
    const limited = acks.filter((a) => a.error === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect(acks.filter((a) => a.ok)).toHaveLength(80 - limited.length);
    await sleep(1100);
    expect(await request(socket, 'room.unsubscribe', { roomId })).toEqual({ ok: true });
  });

  it('refuses an oversized frame by closing that connection only', async () => {
    const { users, roomId } = await setup();
    const socket = await connect(t, users.alice.token);
    const gone = disconnected(socket);
    socket.emit('message.send', { roomId, content: 'x'.repeat(2 * 1024 * 1024) });
    expect(await gone).toBe('transport close');
    const fresh = await connect(t, users.alice.token);
    expect(await request(fresh, 'room.subscribe', { roomId })).toMatchObject({ ok: true });
  });
});

describe('typing', () => {
  it('reaches the other subscribers, not the sender, and is throttled', async () => {
    const { users, roomId } = await setup();
    const alice = await subscribed(users.alice, roomId);
    const aliceTwo = await subscribed(users.alice, roomId);
    const bob = await subscribed(users.bob, roomId);
    const seenByAlice = [alice.socket, aliceTwo.socket].map((s) => new Recorder(s, 'typing'));
    const seenByBob = new Recorder(bob.socket, 'typing');

    expect(await request(alice.socket, 'typing', { roomId, isTyping: true })).toEqual({
      ok: true,
      sent: true,
    });
    expect(await seenByBob.next()).toEqual({
      roomId,
      profileId: users.alice.profileId,
      isTyping: true,
    });
    const repeat = await request(alice.socket, 'typing', { roomId, isTyping: true });
    expect(repeat).toEqual({ ok: true, sent: false });
    const stop = await request(alice.socket, 'typing', { roomId, isTyping: false });
    expect(stop).toEqual({ ok: true, sent: true });
    await seenByBob.next((e) => (e as { isTyping: boolean }).isTyping === false);
    await sleep(100);
    expect(seenByBob.items).toHaveLength(2);
    expect(seenByAlice.map((r) => r.items)).toEqual([[], []]);

    const outsider = await connect(t, users.outsider.token);
    const refused = await request(outsider, 'typing', { roomId, isTyping: true });
    expectErrorAck(refused, 'not_subscribed');
  });
});

describe('presence', () => {
  it('announces online at the first socket and offline within 10 s of the last', async () => {
    const { users, roomId } = await setup();
    const bob = await subscribed(users.bob, roomId);
    const presence = new Recorder<{ profileId: string; status: string }>(bob.socket, 'presence');
    const mine = (status: string) => (p: { profileId: string; status: string }) =>
      p.profileId === users.alice.profileId && p.status === status;

    const one = await connect(t, users.alice.token);
    const two = await connect(t, users.alice.token);
    await presence.next(mine('online'));
    const alice = (await listParticipants(t, users.bob, roomId)).find(
      (p) => p.profileId === users.alice.profileId,
    );
    expect(alice?.onlineStatus).toBe('online');

    one.disconnect();
    await sleep(500);
    expect(presence.items.filter(mine('offline'))).toEqual([]);
    two.disconnect();
    const gone = Date.now();
    await presence.next(mine('offline'), 10000);
    expect(Date.now() - gone).toBeLessThan(10000);
    expect(presence.items.filter(mine('online'))).toHaveLength(1);
    const after = (await listParticipants(t, users.bob, roomId)).find(
      (p) => p.profileId === users.alice.profileId,
    );
    expect(after?.onlineStatus).toBe('offline');
  }, 20000);
});

describe('agent stream', () => {
  it('goes to the room subscribers only', async () => {
    const { tenantId, users, roomId } = await setup();
    const alice = await subscribed(users.alice, roomId);
    const deltas = new Recorder(alice.socket, 'agent.delta');
    const outsider = await connect(t, users.outsider.token);
    const elsewhere = new Recorder(outsider, 'agent.delta');
    const payload = { sessionId: 's', turnId: 'turn', index: 0, text: 'Hel' };
    t.app.get(RoomEventBus).publishAgent({ kind: 'agent.delta', tenantId, roomId, payload });
    expect(await deltas.next()).toEqual(payload);
    await sleep(100);
    expect(elsewhere.items).toEqual([]);
  });
});
