import { ServerProcess } from '../lib/server';
import { closeAll, connectMany, Subscriber } from '../lib/sockets';
import { sleep } from '../lib/stats';
import { Measurement, Side, Unavailable, Workload } from '../lib/workload';

const CONNECT_CONCURRENCY = 100;
const SETTLE_MS = 2_000;

/**
 * Many authenticated, subscribed, idle sockets: the server process's RSS growth per socket. Each round
 * starts a fresh server so an earlier round's heap does not hide this one's growth.
 */
export const idleSocketsWorkload: Workload = {
  name: 'idle',
  title: 'authenticated sockets, each subscribed to its own room; RSS per socket',
  metrics: [{ key: 'kbPerSocket', label: 'RSS KB/socket', better: 'lower', target: 2 }],
  async prepare(ctx) {
    const { roomIds, profiles } = ctx.seed.idle;
    const subscribers = profiles.map((p, i) => ({ token: ctx.token(p), roomId: roomIds[i] }));
    const baseline = await idleSide(() => ctx.startBaseline('broadcast-server'), subscribers);
    if (typeof baseline === 'string') throw new Error(`baseline broadcast-server: ${baseline}`);
    return { baseline, parley: await idleSide(() => ctx.startParley(), subscribers) };
  },
};

async function idleSide(
  start: () => Promise<ServerProcess>,
  subscribers: Subscriber[],
): Promise<Side | Unavailable> {
  let server: ServerProcess;
  try {
    server = await start();
  } catch (err) {
    return `did not start: ${(err as Error).message.split('\n')[0]}`;
  }
  try {
    const probe = await connectMany(server.url, subscribers.slice(0, 1), 1);
    closeAll(probe.sockets);
    if (probe.failures > 0) return `socket.io room.subscribe failed: ${probe.firstError}`;
  } finally {
    await server.stop();
  }
  return {
    measure: async () => {
      const fresh = await start();
      try {
        return await measureRss(fresh, subscribers);
      } finally {
        await fresh.stop();
      }
    },
    close: async () => undefined,
  };
}

async function measureRss(server: ServerProcess, subscribers: Subscriber[]): Promise<Measurement> {
  await sleep(SETTLE_MS);
  const before = server.rssKb();
  const conn = await connectMany(server.url, subscribers, CONNECT_CONCURRENCY);
  try {
    await sleep(SETTLE_MS);
    const after = server.rssKb();
    const held = subscribers.length - conn.failures;
    return {
      figures: { kbPerSocket: held > 0 ? (after - before) / held : NaN },
      notes: [
        `${held} sockets, RSS ${(before / 1024).toFixed(0)} -> ${(after / 1024).toFixed(0)} MB`,
      ],
      problems: conn.failures > 0 ? [`${conn.failures} sockets failed: ${conn.firstError}`] : [],
    };
  } finally {
    closeAll(conn.sockets);
  }
}
