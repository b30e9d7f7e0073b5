import type { Response } from 'supertest';
import {
  MessageBody,
  messageRows,
  messageUrl,
  postMessage,
  reactionRows,
  reactionUrl,
  sendMessage,
} from './support/messages';
import { db, expectStatus, roomEvents, roomWith, storedLastSeq, User } from './support/rooms';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function setup() {
  const { tenantId, users } = makeTenant('owner', 'admin', 'alice', 'bob');
  const room = await roomWith(t, users.owner, [
    [users.admin, 'admin'],
    [users.alice, 'member'],
    [users.bob, 'member'],
  ]);
  return { tenantId, users, roomId: room.id, senders: Object.values(users) };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The room's whole log through GET /events, page by page. */
async function readLog(user: User, roomId: string) {
  const items: { seq: number; type: string; data: { id?: string } }[] = [];
  for (let after = 0, pages = 0; pages < 50; pages++) {
    const res = await t.http
      .get(`/v1/rooms/${roomId}/events?after=${after}&limit=200`)
      .set(user.auth);
    expectStatus(res, 200);
    items.push(...res.body.items);
    if (!res.body.hasMore) break;
    after = items.at(-1)!.seq;
  }
  return items;
}

/** The log is 1..last_seq, every seq once, and the room's last_seq is its end. */
async function expectGapFreeLog(tenantId: string, roomId: string) {
  const events = await roomEvents(t, tenantId, roomId);
  const last = await storedLastSeq(t, tenantId, roomId);
  expect(events.map((e) => e.seq)).toEqual(range(1, last));
  return events;
}

describe('concurrent sends', () => {
  it('gives 100 parallel sends 100 distinct, gap-free seqs and one event each', async () => {
    const { tenantId, users, roomId, senders } = await setup();
    const start = await storedLastSeq(t, tenantId, roomId);

    const responses = await Promise.all(
      range(1, 100).map((n) =>
        postMessage(t, senders[n % senders.length], roomId, { content: `m${n}` }),
      ),
    );

    for (const res of responses) expectStatus(res, 201);
    const sent = responses.map((r) => r.body as MessageBody);
    expect(new Set(sent.map((m) => m.id)).size).toBe(100);
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(start + 1, start + 100));

    const rows = await messageRows(t, tenantId, roomId);
    expect(rows.map((r) => r.seq)).toEqual(range(start + 1, start + 100));
    expect(rows.map((r) => r.id).sort()).toEqual(sent.map((m) => m.id).sort());

    const events = await expectGapFreeLog(tenantId, roomId);
    expect(events.length).toBe(start + 100);
    const created = events.filter((e) => e.type === 'message.created');
    expect(created.map((e) => [e.seq, e.data.id])).toEqual(rows.map((r) => [r.seq, r.id]));
    for (const m of sent) {
      expect(created.find((e) => e.data.id === m.id)!.data).toEqual(m);
    }

    const log = await readLog(users.bob, roomId);
    expect(log.map((e) => e.seq)).toEqual(range(1, start + 100));
    expect(log.map(({ seq, type, data }) => ({ seq, type, data }))).toEqual(events);
  });

  it('stores one message for 20 parallel sends with one clientMessageId', async () => {
    const { tenantId, users, roomId } = await setup();
    const start = await storedLastSeq(t, tenantId, roomId);

    const responses = await Promise.all(
      range(1, 20).map((n) =>
        postMessage(t, users.alice, roomId, { content: `try ${n}`, clientMessageId: 'once' }),
      ),
    );

    const statuses = responses.map((r: Response) => r.status).sort((a, b) => a - b);
    expect(statuses).toEqual([...Array<number>(19).fill(200), 201]);
    const rows = await messageRows(t, tenantId, roomId);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ seq: start + 1, client_message_id: 'once' });
    for (const res of responses) {
      expect(res.body).toMatchObject({ id: row.id, seq: row.seq, content: row.content });
    }
    expect(await storedLastSeq(t, tenantId, roomId)).toBe(start + 1);
    const events = await expectGapFreeLog(tenantId, roomId);
    expect(events.filter((e) => e.type === 'message.created')).toHaveLength(1);
  });
});

describe('concurrent changes of every kind', () => {
  it('keeps the log gap-free while sends, edits, reactions and deletes race', async () => {
    const { tenantId, users, roomId, senders } = await setup();
    const target = await sendMessage(t, users.alice, roomId, 'target');
    const doomed = await sendMessage(t, users.bob, roomId, 'doomed');

    const responses = await Promise.all([
      ...range(1, 30).map((n) =>
        postMessage(t, senders[n % senders.length], roomId, { content: `m${n}` }),
      ),
      ...range(1, 10).map((n) =>
        t.http
          .patch(messageUrl(roomId, target.id))
          .set(users.alice.auth)
          .send({ content: `edit ${n}` }),
      ),
      ...senders.map((u) => t.http.put(reactionUrl(roomId, target.id, '👍')).set(u.auth)),
      ...senders.map((u) => t.http.put(reactionUrl(roomId, target.id, '👍')).set(u.auth)),
      ...range(1, 5).map(() => t.http.delete(messageUrl(roomId, doomed.id)).set(users.owner.auth)),
    ]);

    for (const res of responses) expect([200, 201, 204]).toContain(res.status);
    const events = await expectGapFreeLog(tenantId, roomId);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('message.created')).toBe(32);
    expect(count('message.updated')).toBe(10);
    expect(count('reaction.added')).toBe(senders.length);
    expect(count('message.deleted')).toBe(1);
    expect(await reactionRows(t, tenantId, target.id)).toHaveLength(senders.length);
    const rows = await messageRows(t, tenantId, roomId);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
    const lastEdit = events.filter((e) => e.type === 'message.updated').at(-1)!;
    expect(rows.find((r) => r.id === target.id)!.content).toBe(lastEdit.data.content);
  });

  it('finishes 30 parallel edits and 20 reactions on one message (more than the pool holds)', async () => {
    const { tenantId, users, roomId, senders } = await setup();
    const target = await sendMessage(t, users.alice, roomId, 'target');

    // Each of these holds a pooled connection while it waits for the room lock; the lock holder must
    // not need a second one, or the pool runs dry and every request hangs.
    const started = Date.now();
    const responses = await Promise.all([
      ...range(1, 30).map((n) =>
        t.http
          .patch(messageUrl(roomId, target.id))
          .set(users.alice.auth)
          .send({ content: `edit ${n}` }),
      ),
      ...range(1, 20).map((n) =>
        t.http.put(reactionUrl(roomId, target.id, `r${n % 5}`)).set(senders[n % 4].auth),
      ),
    ]);

    expect(Date.now() - started).toBeLessThan(15_000);
    for (const res of responses) expect([200, 201]).toContain(res.status);
    const events = await expectGapFreeLog(tenantId, roomId);
    expect(events.filter((e) => e.type === 'message.updated')).toHaveLength(30);
    expect(events.filter((e) => e.type === 'reaction.added')).toHaveLength(
      (await reactionRows(t, tenantId, target.id)).length,
    );
  });

  it('keeps the highest read mark when marks race', async () => {
    const { tenantId, users, roomId } = await setup();
    for (const n of range(1, 10)) await sendMessage(t, users.bob, roomId, `m${n}`);
    const last = await storedLastSeq(t, tenantId, roomId);

    const responses = await Promise.all(
      range(0, last).map((seq) =>
        t.http.post(`/v1/rooms/${roomId}/read`).set(users.alice.auth).send({ seq }),
      ),
    );

    for (const res of responses) expectStatus(res, 200);
    const [row]: { last_read_seq: string }[] = await db(t).query(
      `SELECT last_read_seq FROM chat_participants
        WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3`,
      [tenantId, roomId, users.alice.profileId],
    );
    expect(Number(row.last_read_seq)).toBe(last);
  });
});
