import { api, expectStatus, LoadRequest, loadTest } from '../lib/http';
import { ServerProcess } from '../lib/server';
import { pick } from '../lib/stats';
import { baselineSide, parleySide, side, Workload } from '../lib/workload';

/** POST /v1/rooms/:roomId/messages under load vs node:http + pg doing the same insert. */
export const sendWorkload: Workload = {
  name: 'send',
  title: 'POST /v1/rooms/:roomId/messages, random room, autocannon',
  metrics: [
    { key: 'rps', label: 'req/s', better: 'higher', target: 0.6 },
    { key: 'p99', label: 'p99 ms', better: 'lower', target: 3 },
  ],
  async prepare(ctx) {
    const { roomIds, profiles } = ctx.seed.send;
    const tokens = profiles.map((p) => ctx.token(p));
    let n = 0;
    const next = (): LoadRequest => ({
      method: 'POST',
      path: `/v1/rooms/${pick(roomIds)}/messages`,
      headers: { authorization: `Bearer ${pick(tokens)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: `bench send ${n++}` }),
    });
    const probe = async (s: ServerProcess) => {
      const path = `/v1/rooms/${roomIds[0]}/messages`;
      const res = await api(s.url, 'POST', path, tokens[0], { content: 'probe' });
      return expectStatus('POST /v1/rooms/:roomId/messages', res, 201);
    };
    const make = (s: ServerProcess) =>
      side(() =>
        loadTest({
          url: s.url,
          connections: ctx.sizes.connections,
          seconds: ctx.sizes.phaseSeconds,
          warmupSeconds: ctx.sizes.warmupSeconds,
          next,
        }),
      );
    return {
      baseline: await baselineSide(ctx, 'insert-server', probe, make),
      parley: await parleySide(ctx, probe, make),
    };
  },
};
