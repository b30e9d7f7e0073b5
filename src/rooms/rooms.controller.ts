import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ParseIdPipe } from '../common/ids';
import { CreateRoomDto, ListRoomsQuery, UpdateRoomDto } from './dto/room.dto';
import { ParticipantsService } from './participants.service';
import { RoomMembershipInterceptor } from './room-membership.interceptor';
import { RoomsService } from './rooms.service';

const roomId = new ParseIdPipe('roomId');

@ApiTags('rooms')
@ApiBearerAuth()
@UseInterceptors(RoomMembershipInterceptor)
@Controller('v1/rooms')
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly participants: ParticipantsService,
  ) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateRoomDto) {
    return this.rooms.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListRoomsQuery) {
    return this.rooms.list(actor, query);
  }

  @Get(':roomId')
  get(@CurrentActor() actor: Actor, @Param('roomId', roomId) id: string) {
    return this.rooms.get(actor, id);
  }

  @Patch(':roomId')
  update(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) id: string,
    @Body() dto: UpdateRoomDto,
  ) {
    return this.rooms.update(actor, id, dto);
  }

  @Post(':roomId/archive')
  @HttpCode(200)
  archive(@CurrentActor() actor: Actor, @Param('roomId', roomId) id: string) {
    return this.rooms.setArchived(actor, id, true);
  }

  @Post(':roomId/unarchive')
  @HttpCode(200)
  unarchive(@CurrentActor() actor: Actor, @Param('roomId', roomId) id: string) {
    return this.rooms.setArchived(actor, id, false);
  }

  @Post(':roomId/join')
  @HttpCode(200)
  join(@CurrentActor() actor: Actor, @Param('roomId', roomId) id: string) {
    return this.participants.join(actor, id);
  }

  @Post(':roomId/leave')
  @HttpCode(200)
  leave(@CurrentActor() actor: Actor, @Param('roomId', roomId) id: string) {
    return this.participants.leave(actor, id);
  }
}
