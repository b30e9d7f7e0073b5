import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ProfileRefDto } from './dto/participant.dto';
import { DmsService } from './dms.service';

@ApiTags('direct messages')
@ApiBearerAuth()
@Controller('v1/dms')
export class DmsController {
  constructor(private readonly dms: DmsService) {}

  /** 201 when the DM room was made, 200 when it existed. */
  @Post()
  async open(
    @CurrentActor() actor: Actor,
    @Body() dto: ProfileRefDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { room, created } = await this.dms.getOrCreate(actor, dto.profileId);
    void reply.status(created ? 201 : 200);
    return room;
  }
}
