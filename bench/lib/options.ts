/** Command-line options and the sizes of each mode. Full mode is the real measurement; smoke is for CI. */
export interface Sizes {
  /** Interleaved rounds: baseline, Parley, baseline, Parley, ... */
  rounds: number;
  /** Length of one measured phase (an autocannon run, an open or a closed loop). */
  phaseSeconds: number;
  /** Unmeasured load before each autocannon run. */
  warmupSeconds: number;
  connections: number;
  sendRooms: number;
  sendProfiles: number;
  historyMessages: number;
  fanoutClients: number;
  fanoutRate: number;
  fanoutSenders: number;
  e2eSubscribers: number;
  e2eRate: number;
  e2eSenders: number;
  idleSockets: number;
  agentTurns: number;
}

export interface Options {
  smoke: boolean;
  only?: string[];
  sizes: Sizes;
}

const FULL: Sizes = {
  rounds: 3,
  phaseSeconds: 5,
  warmupSeconds: 1,
  connections: 50,
  sendRooms: 1000,
  sendProfiles: 50,
  historyMessages: 2_000_000,
  fanoutClients: 1000,
  fanoutRate: 20,
  fanoutSenders: 4,
  e2eSubscribers: 100,
  e2eRate: 50,
  e2eSenders: 16,
  idleSockets: 5000,
  agentTurns: 30,
};

const SMOKE: Sizes = {
  ...FULL,
  phaseSeconds: 1,
  warmupSeconds: 0,
  connections: 10,
  sendRooms: 100,
  sendProfiles: 10,
  historyMessages: 20_000,
  fanoutClients: 100,
  fanoutSenders: 2,
  e2eSubscribers: 20,
  e2eSenders: 4,
  idleSockets: 300,
  agentTurns: 5,
};

const USAGE = `usage: npm run bench -- [--smoke] [--only=send,history,...] [--rounds=N] [--seconds=N]`;

export function parseOptions(argv: string[]): Options {
  let smoke = false;
  let only: string[] | undefined;
  const overrides: Partial<Sizes> = {};
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    if (key === '--smoke') smoke = true;
    else if (key === '--only' && value) only = value.split(',');
    else if (key === '--rounds' && Number(value) >= 1) overrides.rounds = Math.floor(Number(value));
    else if (key === '--seconds' && Number(value) > 0) overrides.phaseSeconds = Number(value);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { smoke, only, sizes: { ...(smoke ? SMOKE : FULL), ...overrides } };
}
