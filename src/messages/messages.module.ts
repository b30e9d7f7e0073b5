import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RoomsModule } from '../rooms/rooms.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { ReactionsService } from './reactions.service';
import { ReadMarksService } from './read-marks.service';
import { RoomLogController } from './room-log.controller';

@Module({
  imports: [EventsModule, RoomsModule],
  controllers: [MessagesController, RoomLogController],
  providers: [MessagesService, ReactionsService, ReadMarksService],
  exports: [MessagesService, ReactionsService, ReadMarksService],
})
export class MessagesModule {}
