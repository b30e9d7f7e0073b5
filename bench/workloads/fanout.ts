import { measureDelivery, probeDelivery } from '../lib/delivery-run';
import { ServerProcess } from '../lib/server';
import { baselineSide, parleySide, side, Workload } from '../lib/workload';

/** One room, many subscribed sockets, messages sent over REST vs a bare socket.io broadcast. */
export const fanoutWorkload: Workload = {
  name: 'fanout',
  title: 'one room of subscribed sockets; 20 msg/s, then a closed loop',
  metrics: [
    { key: 'p99', label: 'delivery p99 ms', better: 'lower', target: 1.5 },
    { key: 'dps', label: 'deliveries/s', better: 'higher', target: 0.9 },
  ],
  async prepare(ctx) {
    const { roomId, subscribers, sender } = ctx.seed.fanout;
    const subscriberTokens = subscribers.map((p) => ctx.token(p));
    const senderToken = ctx.token(sender);
    const probe = (s: ServerProcess) =>
      probeDelivery(s.url, roomId, subscriberTokens[0], senderToken);
    const make = (ordered: boolean) => (s: ServerProcess) =>
      side(() =>
        measureDelivery({
          ordered,
          url: s.url,
          roomId,
          subscriberTokens,
          senderTokens: [senderToken],
          rate: ctx.sizes.fanoutRate,
          closedSenders: ctx.sizes.fanoutSenders,
          seconds: ctx.sizes.phaseSeconds,
          warmupSeconds: ctx.sizes.warmupSeconds,
        }),
      );
    return {
      baseline: await baselineSide(ctx, 'broadcast-server', probe, make(true)),
      parley: await parleySide(ctx, probe, make(true)),
    };
  },
};
