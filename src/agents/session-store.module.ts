import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SessionStore } from './session-store';

/**
 * Session rows and status events, shared by the sessions API and the agent runtime, which may not
 * depend on each other (the sessions API needs the runtime's registry).
 */
@Module({
  imports: [EventsModule],
  providers: [SessionStore],
  exports: [SessionStore],
})
export class SessionStoreModule {}
