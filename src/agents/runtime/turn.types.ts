import { ReplyRefused } from './agent-reply-writer';

/** One turn of one session, as the runtime's parts share it. */
export interface Turn {
  tenantId: string;
  sessionId: string;
  roomId: string;
  agentId: string;
  participantProfileId: string;
  turnId: string;
  /** Aborted at the deadline or at shutdown; set when the steps begin. */
  signal: AbortSignal;
  /** Tokens reported but not yet charged; the next stored message carries them. */
  tokens: { pending: number };
}

/** What the user is told when a turn fails: fixed texts, never an exception's message or stack. */
const SAFE_TEXT = {
  deadline: 'The agent took too long to answer',
  step_limit: 'The agent reached its step limit',
  session_inactive: 'The agent session is no longer active',
  unavailable: 'The agent is not available',
  interrupted: 'The agent was interrupted',
  failed: 'The agent could not answer',
} as const;

export type TurnFailureKind = keyof typeof SAFE_TEXT;

export class TurnFailure extends Error {
  constructor(readonly kind: TurnFailureKind) {
    super(SAFE_TEXT[kind]);
  }
}

export function safeErrorText(err: unknown): string {
  if (err instanceof TurnFailure) return SAFE_TEXT[err.kind];
  if (err instanceof ReplyRefused && err.reason === 'session_inactive') {
    return SAFE_TEXT.session_inactive;
  }
  return SAFE_TEXT.failed;
}
