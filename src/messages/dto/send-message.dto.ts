import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { limitsConfig } from '../../config/settings';
import { USER_MESSAGE_TYPES, UserMessageType } from '../message.types';

export const MAX_CONTENT = limitsConfig().messageMaxLength;
export const MAX_ATTACHMENTS = 10;

/**
 * Text that PostgreSQL stores as sent: no U+0000 (text and jsonb refuse it, a 500 if it got that far)
 * and no unpaired surrogate (not Unicode: jsonb refuses it, text would silently hold U+FFFD instead).
 */
const STORABLE_TEXT = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
const Storable = (field: string) =>
  Matches(STORABLE_TEXT, {
    message: `${field} must not contain NUL characters or unpaired surrogates`,
  });

/** A reference to a file stored elsewhere; Parley keeps the reference, not the bytes. */
export class AttachmentDto {
  @ApiProperty()
  @Storable('url')
  @IsUrl({ protocols: ['http', 'https'], require_tld: false })
  @Length(1, 2048)
  url: string;

  @ApiProperty()
  @Storable('filename')
  @IsString()
  @Length(1, 255)
  filename: string;

  @ApiProperty({ example: 'image/png' })
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'contentType must be a media type like image/png' })
  @Length(3, 255)
  contentType: string;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size: number;
}

export class ContentDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_CONTENT })
  @Storable('content')
  @IsString()
  @Length(1, MAX_CONTENT)
  content: string;
}

/**
 * The whole body a person may send. There is no field for the sender, role, session or tool data:
 * those come from the token and the server, and naming them is a 400.
 */
export class SendMessageDto extends ContentDto {
  @ApiPropertyOptional({ enum: USER_MESSAGE_TYPES, default: 'text' })
  @IsOptional()
  @IsIn(USER_MESSAGE_TYPES, { message: 'messageType must be text, file or action' })
  messageType?: UserMessageType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  threadId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  replyToMessageId?: string;

  @ApiPropertyOptional({
    description: 'Retry key: the same actor and room get the first message back',
  })
  @IsOptional()
  @Storable('clientMessageId')
  @IsString()
  @Length(1, 128)
  clientMessageId?: string;

  @ApiPropertyOptional({ type: [AttachmentDto], maxItems: MAX_ATTACHMENTS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}
