import { IsBoolean, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ReadMarkDto } from '../../messages/dto/message-queries.dto';
import { SendMessageDto } from '../../messages/dto/send-message.dto';

/** Socket payloads, validated with the same rules (and unknown-field refusal) as REST bodies. */
export class RoomRefDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId: string;
}

export class SubscribeDto extends RoomRefDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  afterSeq?: number;
}

export class TypingDto extends RoomRefDto {
  @IsBoolean()
  isTyping: boolean;
}

/** `read {roomId, seq}`: the body of POST /v1/rooms/:roomId/read plus the room. */
export class SocketReadDto extends ReadMarkDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId: string;
}

/** `message.send`: the body of POST /v1/rooms/:roomId/messages plus the room. */
export class SocketSendMessageDto extends SendMessageDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId: string;
}
