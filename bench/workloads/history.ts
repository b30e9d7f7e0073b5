import { Client } from 'pg';
import { HISTORY_SQL } from '../baselines/messages';
import { api, expectStatus, LoadRequest, loadTest } from '../lib/http';
import { isDeletedSeq } from '../lib/seed';
import { ServerProcess } from '../lib/server';
import {
  baselineSide,
  BenchContext,
  Measurement,
  parleySide,
  side,
  Workload,
} from '../lib/workload';

const PAGE = 50;

/** GET the newest page and a random older page of one big room vs the bare keyset query. */
export const historyWorkload: Workload = {
  name: 'history',
  title: 'GET /v1/rooms/:roomId/messages?limit=50 and ?before=<random seq>&limit=50, big room',
  metrics: [
    { key: 'latestRps', label: 'latest req/s', better: 'higher', target: 0.55 },
    { key: 'latestP99', label: 'latest p99 ms', better: 'lower', target: 2.5 },
    { key: 'beforeRps', label: 'before req/s', better: 'higher', target: 0.55 },
    { key: 'beforeP99', label: 'before p99 ms', better: 'lower', target: 2.5 },
  ],
  async prepare(ctx) {
    const { roomId, reader, lastSeq } = ctx.seed.history;
    let newest = lastSeq;
    while (isDeletedSeq(newest)) newest--;
    const token = ctx.token(reader);
    const path = `/v1/rooms/${roomId}/messages?limit=${PAGE}`;
    const randomBefore = () => PAGE + 1 + Math.floor(Math.random() * Math.max(1, lastSeq - PAGE));
    const request = (query: string): LoadRequest => ({
      method: 'GET',
      path: `${path}${query}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const probe = async (s: ServerProcess) => {
      const res = await api(s.url, 'GET', path, token);
      const items = (res.body as { items?: { seq?: number }[] }).items;
      return (
        expectStatus('GET /v1/rooms/:roomId/messages', res, 200) ??
        (items?.length === PAGE && items[0].seq === newest
          ? undefined
          : `GET /v1/rooms/:roomId/messages: expected the newest ${PAGE} messages from seq ` +
            `${newest}, got ${items?.length} from ${JSON.stringify(items?.[0]?.seq)}`)
      );
    };
    const make = (s: ServerProcess) =>
      side(async () => {
        const run = (next: () => LoadRequest) =>
          loadTest({
            url: s.url,
            connections: ctx.sizes.connections,
            seconds: ctx.sizes.phaseSeconds,
            warmupSeconds: ctx.sizes.warmupSeconds,
            next,
          });
        const latest = await run(() => request(''));
        const before = await run(() => request(`&before=${randomBefore()}`));
        return merge(latest, before);
      });
    const plan = await explain(ctx, String(randomBefore()));
    return {
      info: plan.lines,
      problems: plan.ok ? [] : ['the timeline query is not an Index Scan without Sort'],
      baseline: await baselineSide(ctx, 'history-server', probe, make),
      parley: await parleySide(ctx, probe, make),
    };
  },
};

function merge(latest: Measurement, before: Measurement): Measurement {
  return {
    figures: {
      latestRps: latest.figures.rps,
      latestP99: latest.figures.p99,
      beforeRps: before.figures.rps,
      beforeP99: before.figures.p99,
    },
    notes: [`latest ${latest.notes?.join(', ')}`, `before ${before.notes?.join(', ')}`],
    problems: [...(latest.problems ?? []), ...(before.problems ?? [])],
  };
}

/** EXPLAIN (ANALYZE, BUFFERS) of the keyset query: it must be an Index Scan, with no Sort. */
async function explain(ctx: BenchContext, before: string) {
  const { roomId } = ctx.seed.history;
  const db = new Client({ connectionString: ctx.dbUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${HISTORY_SQL}`,
      [ctx.seed.tenantId, roomId, before, PAGE + 1],
    );
    const plan = rows.map((r) => r['QUERY PLAN']);
    const scan = plan.map((l) => /Index Scan(?: Backward)? using (\S+)/.exec(l)?.[1]).find(Boolean);
    const sort = plan.some((l) => /\bSort\b/.test(l));
    const ok = scan !== undefined && !sort;
    return {
      ok,
      lines: [
        `EXPLAIN (ANALYZE, BUFFERS) of the timeline query, before=${before}:`,
        ...plan.map((l) => `  ${l}`),
        `Index Scan: ${scan ? `yes (${scan})` : 'NO'}; Sort: ${sort ? 'YES' : 'none'} => ` +
          (ok ? 'ok' : 'NOT OK'),
      ],
    };
  } finally {
    await db.end();
  }
}
