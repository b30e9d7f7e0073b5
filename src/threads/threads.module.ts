import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ThreadsController } from './threads.controller';
import { ThreadsService } from './threads.service';

@Module({
  imports: [RoomsModule, EventsModule],
  controllers: [ThreadsController],
  providers: [ThreadsService],
  exports: [ThreadsService],
})
export class ThreadsModule {}
