import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventsModule } from '../../events/events.module';
import { SessionStoreModule } from '../session-store.module';
import { AGENT_REPLY_WRITER, AgentReplyWriter } from './agent-reply-writer';
import { AgentRegistry } from './agent-registry';
import { StepLoop } from './step-loop';
import { ToolCaller } from './tool-caller';
import { TurnExecutor } from './turn-executor';
import { TurnHistory } from './turn-history';
import { DEFAULT_TURN_LIMITS, TURN_LIMITS } from './turn-limits';
import { TurnRunner } from './turn-runner';

/**
 * The agent runtime: registry, turns, tool gate and the reply writer. Only the registry is exported.
 * The writer, the one way to store `assistant` and `tool` messages, stays inside: no controller,
 * gateway or other module can have it injected.
 */
@Module({
  imports: [DiscoveryModule, EventsModule, SessionStoreModule],
  providers: [
    AgentRegistry,
    TurnRunner,
    TurnExecutor,
    TurnHistory,
    StepLoop,
    ToolCaller,
    { provide: AGENT_REPLY_WRITER, useClass: AgentReplyWriter },
    { provide: TURN_LIMITS, useValue: DEFAULT_TURN_LIMITS },
  ],
  exports: [AgentRegistry],
})
export class AgentRuntimeModule {}
