import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { MessagesModule } from '../messages/messages.module';
import { PresenceModule } from '../presence/presence.module';
import { RoomsModule } from '../rooms/rooms.module';
import { PresenceRelay } from './presence-relay';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimePublisher } from './realtime-publisher';
import { RoomSubscriptions } from './room-subscriptions.service';

/**
 * The socket.io gateway and what feeds it. It only reads from the other contexts (their services and
 * the event bus); nothing outside this module knows about sockets.
 */
@Module({
  imports: [AuthModule, EventsModule, PresenceModule, RoomsModule, MessagesModule],
  providers: [RealtimeGateway, RoomSubscriptions, RealtimePublisher, PresenceRelay],
})
export class RealtimeModule {}
