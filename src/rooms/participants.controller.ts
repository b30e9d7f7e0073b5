import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ParseIdPipe } from '../common/ids';
import {
  AddParticipantDto,
  ListParticipantsQuery,
  RemoveParticipantQuery,
  UpdateParticipantDto,
} from './dto/participant.dto';
import { ParticipantsService } from './participants.service';
import { RoomMembershipInterceptor } from './room-membership.interceptor';

const roomId = new ParseIdPipe('roomId');

@ApiTags('participants')
@ApiBearerAuth()
@UseInterceptors(RoomMembershipInterceptor)
@Controller('v1/rooms/:roomId/participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) id: string,
    @Query() query: ListParticipantsQuery,
  ) {
    return this.participants.list(actor, id, query);
  }

  /** 201 when the profile is new to the room, 200 when it was re-activated or already there. */
  @Post()
  async add(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) id: string,
    @Body() dto: AddParticipantDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { participant, created } = await this.participants.add(actor, id, dto);
    void reply.status(created ? 201 : 200);
    return participant;
  }

  @Patch(':profileId')
  update(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) id: string,
    @Param('profileId') profileId: string,
    @Body() dto: UpdateParticipantDto,
  ) {
    return this.participants.update(actor, id, profileId, dto);
  }

  @Delete(':profileId')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) id: string,
    @Param('profileId') profileId: string,
    @Query() query: RemoveParticipantQuery,
  ): Promise<void> {
    await this.participants.remove(actor, id, profileId, query.ban ?? false);
  }
}
