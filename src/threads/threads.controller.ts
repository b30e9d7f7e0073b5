import {
  Body,
  Controller,
  Get,
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
import { RoomMembershipInterceptor } from '../rooms/room-membership.interceptor';
import {
  ListRepliesQuery,
  ListThreadsQuery,
  StartThreadDto,
  UpdateThreadDto,
} from './dto/thread.dto';
import { ThreadsService } from './threads.service';

const roomId = new ParseIdPipe('roomId');
const threadId = new ParseIdPipe('threadId');

@ApiTags('threads')
@ApiBearerAuth()
@UseInterceptors(RoomMembershipInterceptor)
@Controller('v1/rooms/:roomId/threads')
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  /** 201 for a new thread, 200 with the thread its root message already had. */
  @Post()
  async start(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Body() dto: StartThreadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { thread, created } = await this.threads.start(actor, room, dto);
    void reply.status(created ? 201 : 200);
    return thread;
  }

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Query() query: ListThreadsQuery,
  ) {
    return this.threads.list(actor, room, query);
  }

  @Get(':threadId')
  get(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('threadId', threadId) thread: string,
  ) {
    return this.threads.get(actor, room, thread);
  }

  @Get(':threadId/messages')
  listReplies(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('threadId', threadId) thread: string,
    @Query() query: ListRepliesQuery,
  ) {
    return this.threads.listReplies(actor, room, thread, query);
  }

  @Patch(':threadId')
  update(
    @CurrentActor() actor: Actor,
    @Param('roomId', roomId) room: string,
    @Param('threadId', threadId) thread: string,
    @Body() dto: UpdateThreadDto,
  ) {
    return this.threads.update(actor, room, thread, dto);
  }
}
