/** What `@ChatAgent` declares: the id sessions name, and the only tools a session may allow it. */
export interface AgentDescriptor {
  id: string;
  description: string;
  tools: string[];
}

/** What `@AgentTool` declares; `parameters` is a JSON Schema for the input, shown to the model. */
export interface ToolDescriptor {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface AgentToolCall {
  callId: string;
  name: string;
  input: unknown;
}

/** The conversation as an agent sees it: the session's stored messages, then this turn so far. */
export type AgentMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: AgentToolCall[] }
  | { role: 'tool'; callId: string; name: string; content: string; isError: boolean };

export interface AgentStepInput {
  sessionId: string;
  turnId: string;
  /** 1 for the first call of a turn; each round of tool results adds one. */
  step: number;
  systemPrompt: string | null;
  messages: readonly AgentMessage[];
  /** The tools this session allows (always a subset of what the agent declares). */
  tools: readonly ToolDescriptor[];
  /** The session's memory; change it with a `context` event. */
  context: Readonly<Record<string, unknown>>;
  /** Aborted at the turn's deadline or at shutdown. */
  signal: AbortSignal;
}

/**
 * What an agent yields during one step. Text is streamed to the room as it comes and stored once at the
 * end of the turn; tool calls are gated, run and answered before the next step.
 */
export type AgentEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; name: string; input: unknown; callId?: string }
  | { type: 'usage'; tokens: number }
  | { type: 'context'; patch: Record<string, unknown> };

/** An agent: a provider marked `@ChatAgent`. */
export interface ChatAgentHandler {
  step(input: AgentStepInput): AsyncIterable<AgentEvent>;
  /** False keeps the agent out of the registry (for example, when its settings are missing). */
  isEnabled?(): boolean;
}

export interface ToolContext {
  tenantId: string;
  sessionId: string;
  participantProfileId: string;
  signal: AbortSignal;
}

/** A tool: a provider marked `@AgentTool`. Its result must be JSON. */
export interface AgentToolHandler {
  run(input: unknown, context: ToolContext): unknown;
}

/** A tool error whose message is safe to store and show; any other error is reported generically. */
export class ToolInputError extends Error {}
