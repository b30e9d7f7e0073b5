import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ParseIdPipe } from '../common/ids';
import { RoomMembershipInterceptor } from '../rooms/room-membership.interceptor';
import { EventsQuery, ReadMarkDto } from './dto/message-queries.dto';
import { ReadMarksService } from './read-marks.service';

const roomId = new ParseIdPipe('roomId');

/** What a client needs to catch up: its read mark and the room's event log. */
@ApiTags('messages')
@ApiBearerAuth()
@UseInterceptors(RoomMembershipInterceptor)
@Controller('v1/rooms/:roomId')
export class RoomLogController {
  constructor(private readonly readMarks: ReadMarksService) {}

  @Post('read')
  @HttpCode(200)
  read(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Body() dto: ReadMarkDto,
  ) {
    return this.readMarks.markRead(actor, room, dto.seq);
  }

  @Get('events')
  events(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Query() query: EventsQuery,
  ) {
    return this.readMarks.listEvents(actor, room, query.after, query.limit);
  }
}
