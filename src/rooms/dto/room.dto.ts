import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
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

/** A name needs something to show: not empty and not only blanks. */
const NOT_BLANK = /\S/;

/** Skips validation only when the field is absent: `null` is a wrong type, not "leave it as it is". */
const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

export class CreateRoomDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ enum: ['public', 'private'] })
  @IsIn(['public', 'private'], { message: 'roomType must be public or private' })
  roomType: 'public' | 'private';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  topic?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, description: '0 means no limit' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxParticipants?: number;
}

export class UpdateRoomDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, description: 'null clears the topic' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  topic?: string | null;

  @ApiPropertyOptional({ maxLength: 4000, nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, description: '0 means no limit' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxParticipants?: number;
}

export class ListRoomsQuery extends LimitQuery {
  @ApiPropertyOptional({ enum: ['joined', 'public'], default: 'joined' })
  @IsOptional()
  @IsIn(['joined', 'public'])
  scope?: 'joined' | 'public';

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
