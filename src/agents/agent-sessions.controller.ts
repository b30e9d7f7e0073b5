import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ParseIdPipe } from '../common/ids';
import { AgentSessionsService } from './agent-sessions.service';
import {
  CreateAgentSessionDto,
  ListAgentSessionsQuery,
  SessionMessageDto,
  UpdateAgentSessionDto,
} from './dto/agent-session.dto';

const sessionId = new ParseIdPipe('id');

/** Every route acts on the actor's own sessions only; anyone else's is a 404. */
@ApiTags('agent sessions')
@ApiBearerAuth()
@Controller('v1/agent-sessions')
export class AgentSessionsController {
  constructor(private readonly sessions: AgentSessionsService) {}

  /** 201 with a new session and its room; 200 with the actor's active one for this agent and key. */
  @Post()
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateAgentSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { session, room, created } = await this.sessions.create(actor, dto);
    void reply.status(created ? 201 : 200);
    return { session, room };
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListAgentSessionsQuery) {
    return this.sessions.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', sessionId) id: string) {
    return this.sessions.get(actor, id);
  }

  @Patch(':id')
  update(
    @CurrentActor() actor: Actor,
    @Param('id', sessionId) id: string,
    @Body() dto: UpdateAgentSessionDto,
  ) {
    return this.sessions.update(actor, id, dto);
  }

  /** 201 for a new user message (a turn starts); 200 with the first one for a repeated clientMessageId. */
  @Post(':id/messages')
  async send(
    @CurrentActor() actor: Actor,
    @Param('id', sessionId) id: string,
    @Body() dto: SessionMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { message, created } = await this.sessions.sendMessage(actor, id, dto);
    void reply.status(created ? 201 : 200);
    return message;
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentActor() actor: Actor, @Param('id', sessionId) id: string) {
    return this.sessions.close(actor, id);
  }
}
