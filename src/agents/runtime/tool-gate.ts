import { MessageRole, MessageType } from '../../messages/message.types';
import { readAllowedTools } from '../session.types';

/** The parts of a message that decide whether it is a tool message. */
export interface GatedMessage {
  role: MessageRole;
  messageType: MessageType;
  toolCallData: unknown;
}

export type GateDecision =
  | { gated: false }
  | { gated: true; allowed: true; name: string }
  | { gated: true; allowed: false; reason: 'tool_name_missing' | 'tool_not_allowed' };

/**
 * Any sign of a tool makes a message a tool message: either tool type, the tool role, or tool data of
 * any value at all (an empty object too). Checking only one of them is how tool results slipped past
 * the gate upstream.
 */
export function isToolMessage(m: GatedMessage): boolean {
  return (
    m.messageType === 'tool_call' ||
    m.messageType === 'tool_result' ||
    m.role === 'tool' ||
    (m.toolCallData !== null && m.toolCallData !== undefined)
  );
}

/** `toolCallData.name` when it is a non-empty string; nothing else counts as a name. */
export function toolNameOf(toolCallData: unknown): string | null {
  if (typeof toolCallData !== 'object' || toolCallData === null || Array.isArray(toolCallData)) {
    return null;
  }
  const name = (toolCallData as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? name : null;
}

/**
 * Exact membership: no trimming, no case folding, no Unicode normalisation, so a look-alike name is a
 * different name. A stored list that is not an array of strings allows nothing.
 */
export function isToolAllowed(name: string, storedAllowedTools: unknown): boolean {
  const allowed = readAllowedTools(storedAllowedTools);
  return allowed !== null && allowed.includes(name);
}

/** Fail-closed: a tool message passes only with a readable name that the session's list holds. */
export function checkToolGate(message: GatedMessage, storedAllowedTools: unknown): GateDecision {
  if (!isToolMessage(message)) return { gated: false };
  const name = toolNameOf(message.toolCallData);
  if (name === null) return { gated: true, allowed: false, reason: 'tool_name_missing' };
  if (!isToolAllowed(name, storedAllowedTools)) {
    return { gated: true, allowed: false, reason: 'tool_not_allowed' };
  }
  return { gated: true, allowed: true, name };
}
