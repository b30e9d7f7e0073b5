import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ParseIdPipe } from '../common/ids';
import { RoomMembershipInterceptor } from '../rooms/room-membership.interceptor';
import { TimelineQuery } from './dto/message-queries.dto';
import { ContentDto, SendMessageDto } from './dto/send-message.dto';
import { MessagesService } from './messages.service';
import { ReactionsService } from './reactions.service';

const roomId = new ParseIdPipe('roomId');
const messageId = new ParseIdPipe('messageId');

@ApiTags('messages')
@ApiBearerAuth()
@UseInterceptors(RoomMembershipInterceptor)
@Controller('v1/rooms/:roomId/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly reactions: ReactionsService,
  ) {}

  /** 201 for a new message; 200 with the first message for a repeated clientMessageId. */
  @Post()
  async send(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Body() dto: SendMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { message, created } = await this.messages.send(actor, room, dto);
    void reply.status(created ? 201 : 200);
    return message;
  }

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Query() query: TimelineQuery,
  ) {
    return this.messages.list(actor, room, query);
  }

  @Get(':messageId')
  get(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('messageId', messageId) id: string,
  ) {
    return this.messages.get(actor, room, id);
  }

  @Patch(':messageId')
  edit(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('messageId', messageId) id: string,
    @Body() dto: ContentDto,
  ) {
    return this.messages.edit(actor, room, id, dto.content);
  }

  @Delete(':messageId')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('messageId', messageId) id: string,
  ): Promise<void> {
    await this.messages.remove(actor, room, id);
  }

  /** 201 for a new reaction, 200 when the actor had already reacted with this emoji. */
  @Put(':messageId/reactions/:emoji')
  async react(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('messageId', messageId) id: string,
    @Param('emoji') emoji: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { reaction, created } = await this.reactions.add(actor, room, id, emoji);
    void reply.status(created ? 201 : 200);
    return reaction;
  }

  @Delete(':messageId/reactions/:emoji')
  @HttpCode(204)
  async unreact(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('messageId', messageId) id: string,
    @Param('emoji') emoji: string,
  ): Promise<void> {
    await this.reactions.remove(actor, room, id, emoji);
  }
}
