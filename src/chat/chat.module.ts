import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ThreadsModule } from '../threads/threads.module';
import { ChatService } from './chat.service';

/** Import this module to drive Parley from code in the same process. */
@Module({
  imports: [RoomsModule, MessagesModule, ThreadsModule, AgentsModule],
  providers: [ChatService],
  exports: [ChatService],
})
export class ChatModule {}
