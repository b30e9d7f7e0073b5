import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { BenchDatabase, openBenchDatabase, runMigrations, serverVersion } from './lib/database';
import { checkFileLimit } from './lib/limits';
import { parseOptions } from './lib/options';
import { printReport, RunMeta, writeReport } from './lib/report';
import { runWorkload, WorkloadResult } from './lib/runner';
import { seed } from './lib/seed';
import { baselineEntry, PARLEY_ENTRY, startServer, stopAllServers } from './lib/server';
import { BENCH_JWT_SECRET, signToken } from './lib/tokens';
import { BenchContext, Workload } from './lib/workload';
import { agentTurnWorkload } from './workloads/agent-turn';
import { endToEndWorkload } from './workloads/end-to-end';
import { fanoutWorkload } from './workloads/fanout';
import { historyWorkload } from './workloads/history';
import { idleSocketsWorkload } from './workloads/idle-sockets';
import { sendWorkload } from './workloads/send';

const WORKLOADS: Workload[] = [
  sendWorkload,
  historyWorkload,
  fanoutWorkload,
  endToEndWorkload,
  idleSocketsWorkload,
  agentTurnWorkload,
];

/** A last guard on top of the bounded loops: the whole run never outlives this. */
const WATCHDOG_MS = { full: 15 * 60_000, smoke: 6 * 60_000 };

let db: BenchDatabase | undefined;
/** What has been measured so far, so that a stopped run still reports it. */
const results: WorkloadResult[] = [];
const meta: RunMeta = { startedAt: new Date() };

/** Set by Ctrl-C or the watchdog: no new workload starts, an interrupted one is not reported. */
let stopping = false;
let reported = false;

function report(smoke: boolean): void {
  if (reported || results.length === 0) return;
  reported = true;
  printReport(results, smoke);
  const file = writeReport(results, meta);
  console.log(`\nresults: ${file}`);
}

async function cleanup(): Promise<void> {
  await stopAllServers();
  await db
    ?.drop()
    .catch((err: Error) => console.error(`could not drop the database: ${err.message}`));
  db = undefined;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const { sizes, smoke } = options;
  const unknown = options.only?.filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown?.length) {
    throw new Error(`unknown workload ${unknown}; known: ${WORKLOADS.map((w) => w.name)}`);
  }
  const workloads = WORKLOADS.filter((w) => !options.only || options.only.includes(w.name));
  if (!existsSync(PARLEY_ENTRY)) throw new Error(`${PARLEY_ENTRY} is missing: run npm run build`);
  checkFileLimit(sizes);
  console.log(
    `Parley bench (${smoke ? 'smoke' : 'full'}): ${sizes.rounds} rounds, ${sizes.phaseSeconds} s phases, ` +
      `node ${process.version}, ${cpus().length} cpus`,
  );

  db = await openBenchDatabase();
  console.log(`database ${db.url.replace(/\/\/[^@]*@/, '//')}`);
  Object.assign(meta, {
    mode: smoke ? 'smoke' : 'full',
    sizes,
    node: process.version,
    cpus: cpus().length,
    postgres: await serverVersion(db.url),
    commit: gitCommit(),
  });
  await runMigrations(db.url);
  const seedStarted = Date.now();
  const withHistory = workloads.includes(historyWorkload);
  const data = await seed(db.url, sizes, withHistory);
  console.log(
    `seeded tenant ${data.tenantId} in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  const dbUrl = db.url;
  const tokens = new Map<string, string>();
  const ctx: BenchContext = {
    sizes,
    dbUrl,
    seed: data,
    token: (profileId) => {
      if (!tokens.has(profileId)) tokens.set(profileId, signToken(data.tenantId, profileId));
      return tokens.get(profileId) as string;
    },
    startParley: () =>
      startServer('parley', PARLEY_ENTRY, {
        DATABASE_URL: dbUrl,
        JWT_SECRET: BENCH_JWT_SECRET,
        NODE_ENV: 'production',
      }),
    startBaseline: (name) =>
      startServer(name, baselineEntry(name), { DATABASE_URL: dbUrl, BENCH_TENANT: data.tenantId }),
  };

  for (const w of workloads) {
    console.log(`\n== ${w.name}: ${w.title}`);
    const result = await runWorkload(w, ctx);
    if (stopping) break;
    results.push(result);
    await stopAllServers();
  }

  report(smoke);

  const broken = results.filter((r) => r.status === 'error');
  if (broken.length > 0) {
    console.error(`harness errors in: ${broken.map((r) => r.name).join(', ')}`);
    return 1;
  }
  const missed = results.flatMap((r) => r.rows).filter((row) => row.verdict !== 'ok');
  if (!smoke && missed.length > 0) {
    console.error(`${missed.length} figure(s) miss their target or are unavailable`);
    return 1;
  }
  return 0;
}

/** The commit measured (uncommitted changes not shown); rev-parse only reads, it takes no lock. */
function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Ctrl-C or the watchdog: report what was measured, stop the servers, drop the database. */
function stop(why: string, code: number): void {
  if (stopping) return;
  stopping = true;
  console.error(`\nbench: ${why}; stopping servers and dropping the database`);
  report(process.argv.includes('--smoke'));
  void cleanup().finally(() => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(signal, 130));

const limit = process.argv.includes('--smoke') ? WATCHDOG_MS.smoke : WATCHDOG_MS.full;
setTimeout(() => stop(`the run took over ${limit / 60_000} minutes`, 1), limit).unref();

main()
  .catch((err: Error) => {
    console.error(`bench failed: ${err.message}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
