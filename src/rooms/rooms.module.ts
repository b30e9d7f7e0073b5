import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { PresenceModule } from '../presence/presence.module';
import { DmsController } from './dms.controller';
import { DmsService } from './dms.service';
import { ParticipantStore } from './participant-store';
import { ParticipantsController } from './participants.controller';
import { ParticipantsService } from './participants.service';
import { RoomAccessCache } from './room-access-cache';
import { RoomAccessService } from './room-access.service';
import { RoomMembershipInterceptor } from './room-membership.interceptor';
import { RoomsController } from './rooms.controller';
import { RoomsService } from './rooms.service';

@Module({
  imports: [EventsModule, PresenceModule],
  controllers: [RoomsController, ParticipantsController, DmsController],
  providers: [
    RoomsService,
    ParticipantsService,
    DmsService,
    ParticipantStore,
    RoomAccessService,
    RoomAccessCache,
    RoomMembershipInterceptor,
  ],
  exports: [
    RoomsService,
    ParticipantsService,
    DmsService,
    ParticipantStore,
    RoomAccessService,
    RoomMembershipInterceptor,
  ],
})
export class RoomsModule {}
