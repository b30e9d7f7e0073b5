import { Socket } from 'socket.io-client';
import { api, expectStatus } from '../lib/http';
import { ServerProcess } from '../lib/server';
import { closeAll, connect, RoomEventPayload, subscribe } from '../lib/sockets';
import { now, percentile, sleep } from '../lib/stats';
import { Measurement, side, Workload } from '../lib/workload';

const TURN_TIMEOUT_MS = 10_000;
const POLL_MS = 10;

interface SessionAndRoom {
  session: { id: string };
  room: { id: string };
}

/**
 * An echo agent turn (user message in, assistant message stored) vs one plain send, both on Parley:
 * the ratio is what the agent runtime adds on top of a send.
 */
export const agentTurnWorkload: Workload = {
  name: 'agent',
  title: 'echo agent turn until the assistant message is stored vs one plain send (both Parley)',
  metrics: [{ key: 'p50', label: 'p50 ms', better: 'lower', target: 3 }],
  async prepare(ctx) {
    let server: ServerProcess;
    try {
      server = await ctx.startParley();
    } catch (err) {
      const reason = `Parley did not start: ${(err as Error).message.split('\n')[0]}`;
      return { baseline: reason, parley: reason };
    }
    const token = ctx.token(ctx.seed.agent.profile);
    const plainPath = `/v1/rooms/${ctx.seed.agent.roomId}/messages`;
    const plain = await api(server.url, 'POST', plainPath, token, { content: 'probe' });
    const plainMissing = expectStatus('POST /v1/rooms/:roomId/messages', plain, 201);
    const created = await api(server.url, 'POST', '/v1/agent-sessions', token, { agentId: 'echo' });
    const agentMissing = expectStatus('POST /v1/agent-sessions', created, 201, 200);
    if (plainMissing) {
      await server.stop();
      return { baseline: plainMissing, parley: agentMissing ?? plainMissing };
    }
    const turns = ctx.sizes.agentTurns;
    const baseline = side(async () => {
      const latencies: number[] = [];
      for (let i = 0; i < turns; i++) {
        const started = now();
        const res = await api(server.url, 'POST', plainPath, token, { content: `plain ${i}` });
        if (res.status === 201) latencies.push(now() - started);
      }
      return result(latencies, turns);
    });
    const parley = side((round) => agentRound(server.url, token, round, turns));
    // Both sides share the one Parley process: the last close stops it.
    return {
      baseline: { ...baseline, close: async () => undefined },
      parley: agentMissing ?? { ...parley, close: () => server.stop() },
    };
  },
};

function result(latencies: number[], attempted: number): Measurement {
  const failed = attempted - latencies.length;
  return {
    figures: { p50: percentile(latencies, 50) },
    notes: [`${latencies.length} of ${attempted}, p99 ${percentile(latencies, 99).toFixed(1)} ms`],
    problems: failed > 0 ? [`${failed} of ${attempted} failed or timed out`] : [],
  };
}

/** A fresh session per round; each turn waits for the assistant message (socket, else polling). */
async function agentRound(url: string, token: string, round: number, turns: number) {
  const sessionKey = `bench-${round}-${Date.now()}`;
  const res = await api(url, 'POST', '/v1/agent-sessions', token, { agentId: 'echo', sessionKey });
  const failed = expectStatus('POST /v1/agent-sessions', res, 201, 200);
  if (failed) throw new Error(failed);
  const { session, room } = res.body as SessionAndRoom;
  const watcher = await watchAssistant(url, token, room.id);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < turns; i++) {
      const started = now();
      const path = `/v1/agent-sessions/${session.id}/messages`;
      const sent = await api(url, 'POST', path, token, { content: `turn ${i}` });
      const seq = (sent.body as { seq?: number }).seq;
      if (sent.status !== 201 || typeof seq !== 'number') continue;
      if (await watcher.waitAfter(seq)) latencies.push(now() - started);
    }
  } finally {
    watcher.close();
    await api(url, 'POST', `/v1/agent-sessions/${session.id}/close`, token).catch(() => undefined);
  }
  return result(latencies, turns);
}

interface AssistantWatcher {
  waitAfter(seq: number): Promise<boolean>;
  close(): void;
}

/** Listens for `room.event` message.created with role assistant; polls the timeline if no socket. */
async function watchAssistant(
  url: string,
  token: string,
  roomId: string,
): Promise<AssistantWatcher> {
  let socket: Socket | undefined;
  const seen: number[] = [];
  let wake: (() => void) | undefined;
  try {
    socket = await connect(url, token);
    socket.on('room.event', (e: RoomEventPayload) => {
      if (e.type === 'message.created' && e.data?.role === 'assistant') seen.push(e.seq);
      wake?.();
    });
    await subscribe(socket, roomId);
  } catch {
    if (socket) closeAll([socket]);
    socket = undefined;
  }
  const poll = async (seq: number) => {
    await sleep(POLL_MS);
    const res = await api(url, 'GET', `/v1/rooms/${roomId}/messages?after=${seq}`, token);
    const items = (res.body as { items?: { role?: string; seq: number }[] }).items ?? [];
    seen.push(...items.filter((m) => m.role === 'assistant').map((m) => m.seq));
  };
  const nextEvent = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return {
    async waitAfter(seq) {
      const deadline = now() + TURN_TIMEOUT_MS;
      while (!seen.some((s) => s > seq)) {
        const left = deadline - now();
        if (left <= 0) return false;
        await (socket ? nextEvent(left) : poll(seq));
      }
      return true;
    },
    close: () => socket && closeAll([socket]),
  };
}
