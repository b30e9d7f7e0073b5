import { Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MessagesModule } from './messages/messages.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RoomsModule } from './rooms/rooms.module';
import { ThreadsModule } from './threads/threads.module';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule,
    EventsModule,
    AuthModule,
    HealthModule,
    RoomsModule,
    MessagesModule,
    ChatModule,
    ThreadsModule,
    AgentsModule,
    RealtimeModule,
  ],
})
export class AppModule {}
