import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LimitQuery } from '../../common/pagination';

export class StartThreadDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A root message of this room; leave out for a thread without a root message',
  })
  @IsOptional()
  @IsUUID('all')
  rootMessageId?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string | null;
}

export class UpdateThreadDto {
  @ApiPropertyOptional({ description: 'true resolves the thread, false reopens it' })
  // null is not a state a thread can be in, so only a missing field means "leave as is"
  @ValidateIf((_dto, value) => value !== undefined)
  @IsBoolean()
  isResolved?: boolean;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    nullable: true,
    description: 'null clears it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string | null;
}

export class ListThreadsQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Only resolved (true) or only open (false) threads' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  resolved?: boolean;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ListRepliesQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Replies after this seq, oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ description: 'The newest replies before this seq, still oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;
}
