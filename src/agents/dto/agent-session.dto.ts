import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LimitQuery } from '../../common/pagination';
import { SendMessageDto } from '../../messages/dto/send-message.dto';

export const MAX_TOOLS = 100;
export const MAX_SYSTEM_PROMPT = 16_000;
/** A year: a longer-lived session should have no expiry at all. */
export const MAX_TTL_SECONDS = 365 * 24 * 3600;

/** What PostgreSQL stores as sent: no NUL, no lone surrogate (see send-message.dto.ts). */
const STORABLE = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
/** Identifiers (agent ids, tool names, keys): no control characters either. */
const IDENTIFIER =
  /^(?:[^\u0000-\u001f\u007f-\u009f\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** Absent is fine; an explicit null is not (it would mean nothing the API defines). */
const Absent = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

class ToolListDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_TOOLS, default: [] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(MAX_TOOLS)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  @Matches(IDENTIFIER, { each: true, message: 'allowedTools must hold plain tool names' })
  allowedTools?: string[];
}

export class CreateAgentSessionDto extends ToolListDto {
  @ApiProperty({ example: 'echo' })
  @IsString()
  @Length(1, 128)
  @Matches(IDENTIFIER, { message: 'agentId must be a plain id' })
  agentId: string;

  @ApiPropertyOptional({ maxLength: MAX_SYSTEM_PROMPT })
  @Absent()
  @IsString()
  @MaxLength(MAX_SYSTEM_PROMPT)
  @Matches(STORABLE, { message: 'systemPrompt must not contain NUL or unpaired surrogates' })
  systemPrompt?: string;

  @ApiPropertyOptional({ minimum: 0, description: '0 means no limit' })
  @Absent()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxTokens?: number;

  @ApiPropertyOptional({ minimum: 0, description: '0 means no limit' })
  @Absent()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  maxMessages?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TTL_SECONDS, description: 'No value: no expiry' })
  @Absent()
  @IsInt()
  @Min(1)
  @Max(MAX_TTL_SECONDS)
  ttlSeconds?: number;

  @ApiPropertyOptional({ description: 'Separates sessions of one actor with the same agent' })
  @Absent()
  @IsString()
  @Length(1, 128)
  @Matches(IDENTIFIER, { message: 'sessionKey must be a plain key' })
  sessionKey?: string;
}

export class UpdateAgentSessionDto extends ToolListDto {
  @ApiPropertyOptional({
    maxLength: MAX_SYSTEM_PROMPT,
    nullable: true,
    description: 'null clears it',
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(MAX_SYSTEM_PROMPT)
  @Matches(STORABLE, { message: 'systemPrompt must not contain NUL or unpaired surrogates' })
  systemPrompt?: string | null;
}

/** A user message in a session: the text and a retry key, nothing else. */
export class SessionMessageDto extends PickType(SendMessageDto, ['content', 'clientMessageId']) {}

export class ListAgentSessionsQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'From the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
