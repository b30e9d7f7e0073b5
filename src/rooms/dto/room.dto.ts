import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { LimitQuery } from '../../common/pagination';

export class CreateRoomDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
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
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

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

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional()
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
