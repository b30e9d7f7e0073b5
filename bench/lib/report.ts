import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricRow, WorkloadResult, formatNumber } from './runner';
import { ROOT } from './server';

const HEADER = ['workload', 'metric', 'baseline', 'parley', 'ratio', 'target', 'verdict'];

function cells(row: MetricRow): string[] {
  return [
    row.workload,
    row.metric,
    formatNumber(row.baseline),
    row.verdict === 'unavailable' ? 'unavailable' : formatNumber(row.parley),
    row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x`,
    row.target,
    row.verdict,
  ];
}

/** One table for the whole run, then the reasons and problems behind any row that is not plain. */
export function printReport(results: WorkloadResult[], smoke: boolean): void {
  const rows = [HEADER, ...results.flatMap((r) => r.rows.map(cells))];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd : c.padStart).call(c, widths[i]));
  console.log('');
  console.log(line(rows[0]).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r).join('  '));
  console.log('');
  if (smoke)
    console.log('smoke mode: small sizes and short phases; the ratios are not held to targets.');
  for (const r of results) {
    if (r.reason) console.log(`${r.name}: ${r.status}: ${r.reason}`);
    for (const p of r.problems) console.log(`${r.name}: PROBLEM ${p}`);
  }
}

export type RunMeta = { startedAt: Date } & Record<string, unknown>;

/** bench/results/<timestamp>.json: the table's rows with every round, plus the run's facts. */
export function writeReport(results: WorkloadResult[], meta: RunMeta): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${meta.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...meta, workloads: results }, null, 2) + '\n');
  return file;
}
