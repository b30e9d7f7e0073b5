import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root, seen from dist-bench/bench/lib. */
export const ROOT = join(__dirname, '..', '..', '..');
export const PARLEY_ENTRY = process.env.BENCH_PARLEY_ENTRY ?? join(ROOT, 'dist', 'main.js');
export const baselineEntry = (name: string) => join(__dirname, '..', 'baselines', `${name}.js`);

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Resident memory of the server process, from /proc/<pid>/status. */
  rssKb(): number;
  /** The last lines the process printed, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

const running = new Set<ServerProcess>();
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const TAIL_LINES = 20;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `node <entry>` with PORT set and waits until GET /health answers 200. */
export async function startServer(
  name: string,
  entry: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: ServerProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    rssKb: () => readRssKb(child.pid ?? -1),
    tail: () => lines.join('\n'),
    stop: () => stopChild(child).finally(() => running.delete(server)),
  };
  running.add(server);
  try {
    await waitHealthy(server, child);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Stops every server still running: on exit, on Ctrl-C, after a failure. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

async function waitHealthy(server: ServerProcess, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${child.exitCode ?? child.signalCode}):\n${server.tail()}`,
      );
    }
    const status = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server.name} did not answer GET /health in 60 s:\n${server.tail()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function readRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
