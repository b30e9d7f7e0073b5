import { median } from './stats';
import { BenchContext, Measurement, Metric, Side, Unavailable, Workload } from './workload';

export type Verdict = 'ok' | 'miss' | 'unavailable' | 'error';

export interface MetricRow {
  workload: string;
  metric: string;
  baseline: number | null;
  parley: number | null;
  /** Median of the per-round ratios Parley / baseline. */
  ratio: number | null;
  target: string;
  verdict: Verdict;
  rounds: { baseline: number | null; parley: number | null; ratio: number | null }[];
}

export interface WorkloadResult {
  name: string;
  title: string;
  status: 'measured' | 'unavailable' | 'error';
  reason?: string;
  /** Wall time of the workload, servers and connections included. */
  seconds: number;
  rows: MetricRow[];
  info: string[];
  notes: string[];
  problems: string[];
}

interface Round {
  baseline?: Measurement;
  parley?: Measurement;
}

const finite = (x: number | undefined): number | null =>
  x !== undefined && Number.isFinite(x) ? x : null;

export const targetText = (m: Metric) =>
  `${m.better === 'higher' ? '≥' : '≤'}${m.target.toFixed(2)}x`;

/** Runs baseline and Parley alternately, round after round, and reduces the rounds to one row per metric. */
export async function runWorkload(w: Workload, ctx: BenchContext): Promise<WorkloadResult> {
  const started = Date.now();
  const result: WorkloadResult = {
    name: w.name,
    title: w.title,
    status: 'measured',
    seconds: 0,
    rows: [],
    info: [],
    notes: [],
    problems: [],
  };
  const rounds: Round[] = [];
  let baseline: Side | Unavailable | undefined;
  let parley: Side | Unavailable | undefined;
  let parleyError: string | undefined;
  try {
    const prepared = await w.prepare(ctx);
    ({ baseline, parley } = prepared);
    result.info = prepared.info ?? [];
    result.problems.push(...(prepared.problems ?? []));
    for (const line of result.info) console.log(`  ${line}`);
    for (let r = 0; r < ctx.sizes.rounds; r++) {
      const round: Round = {};
      rounds.push(round);
      if (typeof baseline !== 'string') {
        round.baseline = await baseline.measure(r);
        log(w, r, 'baseline', round.baseline, result);
      }
      if (typeof parley !== 'string' && !parleyError) {
        try {
          round.parley = await parley.measure(r);
          log(w, r, 'parley', round.parley, result);
        } catch (err) {
          parleyError = (err as Error).message;
          console.log(`  [${w.name}] round ${r + 1} parley: error: ${parleyError}`);
        }
      }
    }
  } catch (err) {
    result.status = 'error';
    result.reason = (err as Error).message;
    console.log(`  [${w.name}] error: ${result.reason}`);
  } finally {
    for (const side of [baseline, parley]) {
      if (side && typeof side !== 'string') await side.close().catch(() => undefined);
    }
  }
  if (typeof baseline === 'string' || typeof parley === 'string') {
    if (result.status === 'measured') result.status = 'unavailable';
    result.reason ??= [baseline, parley].filter((s) => typeof s === 'string').join('; ');
  }
  if (parleyError) result.problems.push(`parley: ${parleyError}`);
  const parleyVerdict: Verdict | undefined =
    typeof parley === 'string' || typeof baseline === 'string'
      ? 'unavailable'
      : parleyError || result.status === 'error'
        ? 'error'
        : undefined;
  result.rows = w.metrics.map((m) => toRow(w.name, m, rounds, parleyVerdict));
  result.seconds = Math.round((Date.now() - started) / 1000);
  console.log(`  [${w.name}] done in ${result.seconds} s`);
  return result;
}

function toRow(workload: string, m: Metric, rounds: Round[], forced?: Verdict): MetricRow {
  const perRound = rounds.map((r) => {
    const b = finite(r.baseline?.figures[m.key]);
    const p = finite(r.parley?.figures[m.key]);
    return { baseline: b, parley: p, ratio: b !== null && p !== null && b > 0 ? p / b : null };
  });
  const mid = (xs: (number | null)[]) => finite(median(xs.filter((x): x is number => x !== null)));
  const ratio = mid(perRound.map((r) => r.ratio));
  const meets = ratio !== null && (m.better === 'higher' ? ratio >= m.target : ratio <= m.target);
  return {
    workload,
    metric: m.label,
    baseline: mid(perRound.map((r) => r.baseline)),
    parley: mid(perRound.map((r) => r.parley)),
    ratio,
    target: targetText(m),
    verdict: forced ?? (ratio === null ? 'error' : meets ? 'ok' : 'miss'),
    rounds: perRound,
  };
}

function log(w: Workload, r: number, side: string, m: Measurement, result: WorkloadResult): void {
  const figures = w.metrics.map((x) => `${x.label} ${formatNumber(m.figures[x.key])}`).join(', ');
  const notes = m.notes?.length ? ` (${m.notes.join('; ')})` : '';
  console.log(`  [${w.name}] round ${r + 1} ${side}: ${figures}${notes}`);
  for (const note of m.notes ?? []) result.notes.push(`${side} round ${r + 1}: ${note}`);
  for (const problem of m.problems ?? []) {
    result.problems.push(`${side} round ${r + 1}: ${problem}`);
    console.log(`  [${w.name}] round ${r + 1} ${side}: PROBLEM ${problem}`);
  }
}

export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const abs = Math.abs(x);
  return x.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}
