import { SetMetadata } from '@nestjs/common';
import { AgentDescriptor, ToolDescriptor } from './agent.types';

export const CHAT_AGENT_METADATA = 'parley:chat-agent';
export const AGENT_TOOL_METADATA = 'parley:agent-tool';

/** Marks a provider as an agent; AgentRegistry finds it at start-up, wherever its module is. */
export const ChatAgent = (descriptor: AgentDescriptor) =>
  SetMetadata(CHAT_AGENT_METADATA, descriptor);

/** Marks a provider as a tool that agents may declare. */
export const AgentTool = (descriptor: ToolDescriptor) =>
  SetMetadata(AGENT_TOOL_METADATA, descriptor);
