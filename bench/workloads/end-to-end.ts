import { measureDelivery, probeDelivery } from '../lib/delivery-run';
import { ServerProcess } from '../lib/server';
import { baselineSide, parleySide, side, Workload } from '../lib/workload';

/** Send over REST to delivery on a socket, stored on the way, vs insert + broadcast in one process. */
export const endToEndWorkload: Workload = {
  name: 'e2e',
  title: 'room of subscribers; one sender at 50 msg/s, then concurrent senders (closed loop)',
  metrics: [
    { key: 'p99', label: 'delivery p99 ms', better: 'lower', target: 2.5 },
    { key: 'dps', label: 'deliveries/s', better: 'higher', target: 0.4 },
  ],
  async prepare(ctx) {
    const { roomId, subscribers, senders } = ctx.seed.e2e;
    const subscriberTokens = subscribers.map((p) => ctx.token(p));
    const senderTokens = senders.map((p) => ctx.token(p));
    const probe = (s: ServerProcess) =>
      probeDelivery(s.url, roomId, subscriberTokens[0], senderTokens[0]);
    const make = (ordered: boolean) => (s: ServerProcess) =>
      side(() =>
        measureDelivery({
          ordered,
          url: s.url,
          roomId,
          subscriberTokens,
          senderTokens,
          rate: ctx.sizes.e2eRate,
          closedSenders: ctx.sizes.e2eSenders,
          seconds: ctx.sizes.phaseSeconds,
          warmupSeconds: ctx.sizes.warmupSeconds,
        }),
      );
    return {
      baseline: await baselineSide(ctx, 'insert-broadcast-server', probe, make(false)),
      parley: await parleySide(ctx, probe, make(true)),
    };
  },
};
