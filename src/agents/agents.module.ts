import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { AgentSessionsController } from './agent-sessions.controller';
import { AgentSessionsService } from './agent-sessions.service';
import { AgentsController } from './agents.controller';
import { AgentRuntimeModule } from './runtime/agent-runtime.module';
import { BuiltInAgentsModule } from './runtime/built-in/built-in-agents.module';
import { SessionStoreModule } from './session-store.module';
import { DEFAULT_SWEEP_INTERVAL_MS, SessionSweeper, SWEEP_INTERVAL_MS } from './session-sweeper';

/** Agent sessions (the API and the expiry sweep) with the runtime and the built-in agents. */
@Module({
  imports: [
    EventsModule,
    RoomsModule,
    MessagesModule,
    SessionStoreModule,
    AgentRuntimeModule,
    BuiltInAgentsModule,
  ],
  controllers: [AgentsController, AgentSessionsController],
  providers: [
    AgentSessionsService,
    SessionSweeper,
    { provide: SWEEP_INTERVAL_MS, useValue: DEFAULT_SWEEP_INTERVAL_MS },
  ],
  exports: [AgentSessionsService],
})
export class AgentsModule {}
