import { limitsConfig } from '../../config/settings';

export interface TurnLimits {
  /** Agent calls per turn; each round of tool results takes one. */
  maxSteps: number;
  /** Wall time of a whole turn, tools included. */
  deadlineMs: number;
  /** Stored messages of the session given to the agent, newest kept. */
  historyMessages: number;
  /** Longest reply stored; the stream stops there so that the deltas still spell the message. */
  maxReplyChars: number;
}

/** Overridable (tests use short deadlines); the defaults follow the upstream tool loop. */
export const TURN_LIMITS = Symbol('TurnLimits');

export const DEFAULT_TURN_LIMITS: TurnLimits = {
  maxSteps: 8,
  deadlineMs: 60_000,
  historyMessages: 50,
  maxReplyChars: limitsConfig().messageMaxLength,
};
