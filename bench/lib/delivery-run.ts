import { DeliveryTracker, stampedContent } from './deliveries';
import { api, expectStatus } from './http';
import { closeAll, connectMany } from './sockets';
import { now, percentile, sleep } from './stats';
import { Measurement } from './workload';

export interface DeliveryPlan {
  url: string;
  roomId: string;
  subscriberTokens: string[];
  /** The open loop uses the first; the closed loop's senders take them in turn. */
  senderTokens: string[];
  rate: number;
  closedSenders: number;
  seconds: number;
  /** An unmeasured open loop first (JIT, pools, socket buffers). */
  warmupSeconds: number;
  /**
   * Parley promises `seq` order per room. The raw insert + broadcast baseline does not: two
   * transactions can commit in one order and broadcast in the other, so there it is only counted.
   */
  ordered: boolean;
}

const CONNECT_CONCURRENCY = 100;
const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_SENDS_PER_SENDER = 100_000;

/**
 * Subscribers on one room; an open loop at `rate` msg/s (delivery latency p99), then `closedSenders`
 * senders that each send the next message once the last reached every subscriber (deliveries/s).
 * Every delivery is checked: none lost, `seq` strictly increasing per client.
 */
export async function measureDelivery(plan: DeliveryPlan): Promise<Measurement> {
  const tracker = new DeliveryTracker(0);
  const subscribers = plan.subscriberTokens.map((token) => ({ token, roomId: plan.roomId }));
  const conn = await connectMany(plan.url, subscribers, CONNECT_CONCURRENCY, tracker.onEvent);
  tracker.clients = subscribers.length - conn.failures;
  const problems: string[] = [];
  if (conn.failures > 0) problems.push(`${conn.failures} clients failed: ${conn.firstError}`);
  try {
    if (tracker.clients === 0) throw new Error(`no client subscribed: ${conn.firstError}`);
    let failedSends = 0;
    const send = async (token: string, tag: string, key: string) => {
      const res = await api(plan.url, 'POST', `/v1/rooms/${plan.roomId}/messages`, token, {
        content: stampedContent(tag, key),
      }).catch(() => ({ status: 0 }));
      if (res.status !== 201 && res.status !== 200) failedSends++;
      return res.status === 201 || res.status === 200;
    };

    const openLoop = async (phase: string, seconds: number) => {
      const tag = tracker.beginPhase(phase);
      const count = Math.max(1, Math.round(plan.rate * seconds));
      const start = now();
      const sends: Promise<boolean>[] = [];
      for (let i = 0; i < count; i++) {
        await sleep(start + (i * 1000) / plan.rate - now());
        sends.push(send(plan.senderTokens[0], tag, String(i)));
      }
      const ok = (await Promise.all(sends)).filter(Boolean).length;
      await tracker.drain(ok * tracker.clients, DELIVERY_TIMEOUT_MS);
      return { ok, lost: ok * tracker.clients - tracker.received };
    };
    const warmup =
      plan.warmupSeconds > 0 ? await openLoop('warmup', plan.warmupSeconds) : undefined;
    const open = await openLoop('open', plan.seconds);
    const p99 = percentile(tracker.latencies, 99);
    const openLost = open.lost + (warmup?.lost ?? 0);

    const closedTag = tracker.beginPhase('closed');
    const closedStart = now();
    const deadline = closedStart + plan.seconds * 1000;
    let closedOk = 0;
    const loop = async (s: number) => {
      const token = plan.senderTokens[s % plan.senderTokens.length];
      for (let j = 0; j < MAX_SENDS_PER_SENDER && now() < deadline; j++) {
        const key = `${s}-${j}`;
        if (!(await send(token, closedTag, key))) {
          await sleep(10);
          continue;
        }
        closedOk++;
        await tracker.waitAll(key, DELIVERY_TIMEOUT_MS);
      }
    };
    await Promise.all(Array.from({ length: plan.closedSenders }, (_, s) => loop(s)));
    const dps = tracker.received / ((now() - closedStart) / 1000);
    const closedLost = closedOk * tracker.clients - tracker.received;

    if (openLost + closedLost > 0) problems.push(`${openLost + closedLost} deliveries lost`);
    if (plan.ordered && tracker.outOfOrder > 0)
      problems.push(`${tracker.outOfOrder} events out of seq order`);
    if (failedSends > 0) problems.push(`${failedSends} sends failed`);
    return {
      figures: { p99, dps },
      notes: [
        `${tracker.clients} clients, ${open.ok}+${closedOk} msgs, ` +
          `lost ${openLost + closedLost}, out of order ${tracker.outOfOrder}`,
      ],
      problems,
    };
  } finally {
    closeAll(conn.sockets);
  }
}

/** One subscriber, one message: undefined when the message comes back as a `room.event`. */
export async function probeDelivery(
  url: string,
  roomId: string,
  subscriberToken: string,
  senderToken: string,
): Promise<string | undefined> {
  const tracker = new DeliveryTracker(1);
  const conn = await connectMany(url, [{ token: subscriberToken, roomId }], 1, tracker.onEvent);
  try {
    if (conn.failures > 0) return `socket.io room.subscribe failed: ${conn.firstError}`;
    const tag = tracker.beginPhase('probe');
    const path = `/v1/rooms/${roomId}/messages`;
    const res = await api(url, 'POST', path, senderToken, { content: stampedContent(tag, 'p') });
    const failed = expectStatus('POST /v1/rooms/:roomId/messages', res, 201);
    if (failed) return failed;
    const delivered = await tracker.waitAll('p', DELIVERY_TIMEOUT_MS);
    return delivered ? undefined : 'the message never arrived as a room.event';
  } finally {
    closeAll(conn.sockets);
  }
}
