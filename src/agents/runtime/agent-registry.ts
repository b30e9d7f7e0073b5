import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { AGENT_TOOL_METADATA, CHAT_AGENT_METADATA } from './agent.decorators';
import { AgentDescriptor, AgentToolHandler, ChatAgentHandler, ToolDescriptor } from './agent.types';

export interface RegisteredAgent {
  descriptor: AgentDescriptor;
  handler: ChatAgentHandler;
}

export interface RegisteredTool {
  descriptor: ToolDescriptor;
  handler: AgentToolHandler;
}

/**
 * Every `@ChatAgent` and `@AgentTool` provider of the application, found once at start-up, so adding
 * an agent is adding a module. A broken declaration (a duplicate id, a tool nobody provides) stops the
 * start instead of failing the first turn that needs it.
 */
@Injectable()
export class AgentRegistry implements OnModuleInit {
  private readonly logger = new Logger('AgentRegistry');
  private readonly agents = new Map<string, RegisteredAgent>();
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders()
      .filter((w) => w.isDependencyTreeStatic() && w.instance)
      .map((w) => w.instance as object);
    for (const instance of found) this.addTool(instance);
    for (const instance of found) this.addAgent(instance);
  }

  /** The enabled agents, by id. */
  list(): AgentDescriptor[] {
    return [...this.agents.values()]
      .map((a) => a.descriptor)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  agent(id: string): RegisteredAgent | undefined {
    return this.agents.get(id);
  }

  /** A tool only as one of `agentId`'s declared tools: an agent never reaches a tool it did not declare. */
  toolOf(agentId: string, name: string): RegisteredTool | undefined {
    const agent = this.agents.get(agentId);
    return agent?.descriptor.tools.includes(name) ? this.tools.get(name) : undefined;
  }

  private addTool(instance: object): void {
    const meta = this.reflector.get<ToolDescriptor | undefined>(
      AGENT_TOOL_METADATA,
      instance.constructor,
    );
    if (!meta) return;
    if (typeof (instance as Partial<AgentToolHandler>).run !== 'function') {
      throw new Error(`Agent tool ${meta.name} has no run() method`);
    }
    if (this.tools.has(meta.name)) throw new Error(`Agent tool ${meta.name} is provided twice`);
    this.tools.set(meta.name, { descriptor: meta, handler: instance as AgentToolHandler });
  }

  private addAgent(instance: object): void {
    const meta = this.reflector.get<AgentDescriptor | undefined>(
      CHAT_AGENT_METADATA,
      instance.constructor,
    );
    if (!meta) return;
    const handler = instance as Partial<ChatAgentHandler>;
    if (typeof handler.step !== 'function')
      throw new Error(`Agent ${meta.id} has no step() method`);
    if (this.agents.has(meta.id)) throw new Error(`Agent ${meta.id} is provided twice`);
    for (const tool of meta.tools) {
      if (!this.tools.has(tool)) throw new Error(`Agent ${meta.id} declares unknown tool ${tool}`);
    }
    if (handler.isEnabled && !handler.isEnabled()) {
      this.logger.log(`Agent ${meta.id} is not configured; it is not registered`);
      return;
    }
    this.agents.set(meta.id, { descriptor: meta, handler: handler as ChatAgentHandler });
  }
}
