import { Injectable } from '@nestjs/common';
import { AgentSessionsService } from '../agents/agent-sessions.service';
import {
  CreateAgentSessionDto,
  SessionMessageDto,
  UpdateAgentSessionDto,
} from '../agents/dto/agent-session.dto';
import { ParseIdPipe } from '../common/ids';
import { validateInput } from '../common/validate-input';
import { TimelineQuery } from '../messages/dto/message-queries.dto';
import { SendMessageDto } from '../messages/dto/send-message.dto';
import { MessagesService } from '../messages/messages.service';
import { ReactionsService } from '../messages/reactions.service';
import { AddParticipantDto, ProfileRefDto } from '../rooms/dto/participant.dto';
import { CreateRoomDto, UpdateRoomDto } from '../rooms/dto/room.dto';
import { DmsService } from '../rooms/dms.service';
import { ParticipantsService } from '../rooms/participants.service';
import { RoomsService } from '../rooms/rooms.service';
import { ListRepliesQuery, ListThreadsQuery, StartThreadDto } from '../threads/dto/thread.dto';
import { ThreadsService } from '../threads/threads.service';
import { ActorRef, toActor } from './chat-actor';

type RoomRef = ActorRef & { roomId: string };
type MessageRef = RoomRef & { messageId: string };
type SessionRef = ActorRef & { agentSessionId: string };

const id = (name: string, value: string) => new ParseIdPipe(name).transform(value);

/**
 * The in-process facade for extension modules, with the names of the package Parley grew from. It adds
 * no rules of its own: each method validates its input with the route's DTO and calls the same service,
 * so the access checks are the routes' checks.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly rooms: RoomsService,
    private readonly participants: ParticipantsService,
    private readonly dms: DmsService,
    private readonly messages: MessagesService,
    private readonly reactions: ReactionsService,
    private readonly threads: ThreadsService,
    private readonly agentSessions: AgentSessionsService,
  ) {}

  async createRoom(input: ActorRef & { room: CreateRoomDto }) {
    return this.rooms.create(toActor(input), await validateInput(CreateRoomDto, input.room));
  }

  async updateRoom(input: RoomRef & { changes: UpdateRoomDto }) {
    const changes = await validateInput(UpdateRoomDto, input.changes);
    return this.rooms.update(toActor(input), id('roomId', input.roomId), changes);
  }

  async getOrCreateDM(input: ActorRef & { profileId: string }) {
    const { profileId } = await validateInput(ProfileRefDto, { profileId: input.profileId });
    return this.dms.getOrCreate(toActor(input), profileId);
  }

  async addParticipant(input: RoomRef & { participant: AddParticipantDto }) {
    const participant = await validateInput(AddParticipantDto, input.participant);
    return this.participants.add(toActor(input), id('roomId', input.roomId), participant);
  }

  async removeParticipant(input: RoomRef & { profileId: string; ban?: boolean }) {
    const actor = toActor(input);
    await this.participants.remove(actor, id('roomId', input.roomId), input.profileId, !!input.ban);
  }

  /** Always a `user` message from the actor: the DTO has no field for role, sender or tool data. */
  async sendMessage(input: RoomRef & { message: SendMessageDto }) {
    const message = await validateInput(SendMessageDto, input.message);
    return this.messages.send(toActor(input), id('roomId', input.roomId), message);
  }

  async getRoomMessages(input: RoomRef & { query?: TimelineQuery }) {
    const query = await validateInput(TimelineQuery, input.query ?? {});
    return this.messages.list(toActor(input), id('roomId', input.roomId), query);
  }

  async addReaction(input: MessageRef & { emoji: string }) {
    const [roomId, messageId] = [id('roomId', input.roomId), id('messageId', input.messageId)];
    return this.reactions.add(toActor(input), roomId, messageId, input.emoji);
  }

  async removeReaction(input: MessageRef & { emoji: string }) {
    const [roomId, messageId] = [id('roomId', input.roomId), id('messageId', input.messageId)];
    await this.reactions.remove(toActor(input), roomId, messageId, input.emoji);
  }

  async startThread(input: RoomRef & { thread?: StartThreadDto }) {
    const thread = await validateInput(StartThreadDto, input.thread ?? {});
    return this.threads.start(toActor(input), id('roomId', input.roomId), thread);
  }

  async listRoomThreads(input: RoomRef & { query?: ListThreadsQuery }) {
    const query = await validateInput(ListThreadsQuery, input.query ?? {});
    return this.threads.list(toActor(input), id('roomId', input.roomId), query);
  }

  async getThreadMessages(input: RoomRef & { threadId: string; query?: ListRepliesQuery }) {
    const query = await validateInput(ListRepliesQuery, input.query ?? {});
    const [roomId, threadId] = [id('roomId', input.roomId), id('threadId', input.threadId)];
    return this.threads.listReplies(toActor(input), roomId, threadId, query);
  }

  /** The actor's active session for this agent and key, or a new one: `{session, room, created}`. */
  async createAgentSession(input: ActorRef & CreateAgentSessionDto) {
    const { tenantId, actorProfileId, ...session } = input;
    const actor = toActor({ tenantId, actorProfileId });
    return this.agentSessions.create(actor, await validateInput(CreateAgentSessionDto, session));
  }

  /** Always a `user` message from the session's participant; it starts an agent turn. */
  async sendAgentUserMessage(input: SessionRef & SessionMessageDto) {
    const { tenantId, actorProfileId, agentSessionId, ...message } = input;
    const actor = toActor({ tenantId, actorProfileId });
    const dto = await validateInput(SessionMessageDto, message);
    return this.agentSessions.sendMessage(actor, id('agentSessionId', agentSessionId), dto);
  }

  async getAgentSession(input: SessionRef) {
    return this.agentSessions.get(toActor(input), id('agentSessionId', input.agentSessionId));
  }

  async closeAgentSession(input: SessionRef) {
    return this.agentSessions.close(toActor(input), id('agentSessionId', input.agentSessionId));
  }

  /** Replaces `allowedTools` wholesale and/or `systemPrompt`; only the participant may. */
  async updateAgentSessionConfig(input: SessionRef & UpdateAgentSessionDto) {
    const { tenantId, actorProfileId, agentSessionId, ...changes } = input;
    const actor = toActor({ tenantId, actorProfileId });
    const dto = await validateInput(UpdateAgentSessionDto, changes);
    return this.agentSessions.update(actor, id('agentSessionId', agentSessionId), dto);
  }
}
