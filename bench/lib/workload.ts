import { Sizes } from './options';
import { SeedData } from './seed';
import { ServerProcess } from './server';

/** A figure both sides report; `target` bounds the ratio Parley / baseline. */
export interface Metric {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  target: number;
}

export interface Measurement {
  figures: Record<string, number>;
  /** Facts worth printing (non-2xx counts, deliveries checked). */
  notes?: string[];
  /** Broken guarantees (lost or reordered events, errors): flagged in the report. */
  problems?: string[];
}

/** One side of a comparison: measures one round, then is closed. */
export interface Side {
  measure(round: number): Promise<Measurement>;
  close(): Promise<void>;
}

/** A side that could not run; the string says why (usually a Parley route that does not exist yet). */
export type Unavailable = string;

export interface BenchContext {
  sizes: Sizes;
  dbUrl: string;
  seed: SeedData;
  token(profileId: string): string;
  startParley(): Promise<ServerProcess>;
  startBaseline(name: string): Promise<ServerProcess>;
}

export interface Workload {
  name: string;
  title: string;
  metrics: Metric[];
  /** Starts what the workload needs. Extra lines (an EXPLAIN plan) go to `info`. */
  prepare(ctx: BenchContext): Promise<Prepared>;
}

export interface Prepared {
  baseline: Side | Unavailable;
  parley: Side | Unavailable;
  info?: string[];
  problems?: string[];
}

/** A side with nothing to close. */
export const side = (measure: Side['measure']): Side => ({ measure, close: async () => undefined });

type Probe = (server: ServerProcess) => Promise<Unavailable | undefined>;

/** Starts a server and probes the routes a workload needs; the side stops the server when closed. */
async function probedSide(
  start: () => Promise<ServerProcess>,
  probe: Probe,
  make: (server: ServerProcess) => Side,
): Promise<Side | Unavailable> {
  let server: ServerProcess;
  try {
    server = await start();
  } catch (err) {
    return `did not start: ${(err as Error).message.split('\n')[0]}`;
  }
  const reason = await probe(server).catch((err: Error) => `probe failed: ${err.message}`);
  if (reason) {
    await server.stop();
    return reason;
  }
  const side = make(server);
  return {
    measure: (round) => side.measure(round),
    close: () => side.close().finally(() => server.stop()),
  };
}

/** Parley's side: a failed probe makes it unavailable instead of failing the run (routes in progress). */
export const parleySide = (ctx: BenchContext, probe: Probe, make: (s: ServerProcess) => Side) =>
  probedSide(() => ctx.startParley(), probe, make);

/** A baseline's side: a failed probe there is a bug in the harness, so it throws. */
export async function baselineSide(
  ctx: BenchContext,
  name: string,
  probe: Probe,
  make: (server: ServerProcess) => Side,
): Promise<Side> {
  const side = await probedSide(() => ctx.startBaseline(name), probe, make);
  if (typeof side === 'string') throw new Error(`baseline ${name}: ${side}`);
  return side;
}
