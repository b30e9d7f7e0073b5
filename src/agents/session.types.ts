export const SESSION_STATUSES = ['active', 'closed', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type InactiveReason = 'closed' | 'expired' | 'message_budget' | 'token_budget';

/**
 * A stored session as the code reads it. There is deliberately no `session_context` here: the agent's
 * memory is read only by the runtime, through its own query, so no view, log or event can pick it up.
 */
export interface SessionRow {
  tenant_id: string;
  id: string;
  agent_id: string;
  participant_profile_id: string;
  chat_room_id: string;
  session_key: string | null;
  status: SessionStatus;
  allowed_tools: unknown;
  system_prompt: string | null;
  message_count: number;
  total_tokens_used: string;
  max_tokens: string;
  max_messages: number;
  last_message_at: Date | null;
  expires_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
}

/** Every column but `session_context`; use it wherever a session is read for anything but the agent. */
export const SESSION_COLUMNS = `tenant_id, id, agent_id, participant_profile_id, chat_room_id, session_key,
  status, allowed_tools, system_prompt, message_count, total_tokens_used, max_tokens, max_messages,
  last_message_at, expires_at, closed_at, created_at`;

/** The API shape. It has no field for the agent's memory, and none may be added. */
export interface SessionView {
  id: string;
  agentId: string;
  participantProfileId: string;
  chatRoomId: string;
  status: SessionStatus;
  isActive: boolean;
  inactiveReason: InactiveReason | null;
  allowedTools: string[];
  systemPrompt: string | null;
  messageCount: number;
  totalTokensUsed: number;
  maxTokens: number;
  maxMessages: number;
  lastMessageAt: string | null;
  expiresAt: string | null;
  closedAt: string | null;
  createdAt: string;
}

/**
 * Why a session takes no more messages, or null while it does. A budget can only be reached while the
 * session is still before its expiry (every write checks both), so a reached budget is the better
 * reason even when the expiry has passed since.
 */
export function inactiveReason(s: SessionRow, now = new Date()): InactiveReason | null {
  if (s.status === 'closed') return 'closed';
  if (s.max_messages > 0 && s.message_count >= s.max_messages) return 'message_budget';
  const maxTokens = Number(s.max_tokens);
  if (maxTokens > 0 && Number(s.total_tokens_used) >= maxTokens) return 'token_budget';
  if (s.status === 'expired' || (s.expires_at !== null && s.expires_at <= now)) return 'expired';
  return null;
}

/** A stored list of tool names, or null when it is not an array of strings (then no tool is allowed). */
export function readAllowedTools(stored: unknown): string[] | null {
  if (!Array.isArray(stored)) return null;
  return stored.every((name) => typeof name === 'string') ? (stored as string[]) : null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Status as the API promises it: past its expiry or at a budget is `expired`, even before the sweep. */
export function toSessionView(s: SessionRow, now = new Date()): SessionView {
  const reason = inactiveReason(s, now);
  return {
    id: s.id,
    agentId: s.agent_id,
    participantProfileId: s.participant_profile_id,
    chatRoomId: s.chat_room_id,
    status: s.status === 'active' && reason !== null ? 'expired' : s.status,
    isActive: reason === null,
    inactiveReason: reason,
    allowedTools: readAllowedTools(s.allowed_tools) ?? [],
    systemPrompt: s.system_prompt,
    messageCount: s.message_count,
    totalTokensUsed: Number(s.total_tokens_used),
    maxTokens: Number(s.max_tokens),
    maxMessages: s.max_messages,
    lastMessageAt: iso(s.last_message_at),
    expiresAt: iso(s.expires_at),
    closedAt: iso(s.closed_at),
    createdAt: s.created_at.toISOString(),
  };
}
