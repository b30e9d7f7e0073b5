import autocannon from 'autocannon';
import { Measurement } from './workload';

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** One JSON request, as the probes, senders and agent turns make them. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, body: parsed };
}

/** Why a probe failed, or undefined when the status is the expected one. */
export function expectStatus(what: string, res: ApiResponse, ...ok: number[]): string | undefined {
  if (ok.includes(res.status)) return undefined;
  return `${what} answered ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Called per request: picks the room, the sender, the cursor. */
  next: () => LoadRequest;
}

/** An autocannon run: 2xx responses per second and the p99 latency (ms) of all responses. */
export async function loadTest(opts: LoadOptions): Promise<Measurement> {
  const run = (seconds: number) =>
    autocannon({
      url: opts.url,
      connections: opts.connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, ...opts.next() }) }],
    });
  if (opts.warmupSeconds > 0) await run(opts.warmupSeconds);
  const result = await run(opts.seconds);
  const ok = result['2xx'];
  const total = ok + result.non2xx;
  const problems: string[] = [];
  if (total === 0) problems.push('no responses');
  else if (result.non2xx > total * 0.01) {
    problems.push(`${result.non2xx} of ${total} responses were not 2xx`);
  }
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  return {
    figures: { rps: ok / result.duration, p99: result.latency.p99 },
    notes: [`${ok} ok, ${result.non2xx} non-2xx`],
    problems,
  };
}
