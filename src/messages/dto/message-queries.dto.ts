import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { LimitQuery } from '../../common/pagination';

export class TimelineQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Messages with a smaller seq, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  before?: number;

  @ApiPropertyOptional({ description: 'Messages with a greater seq, oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;
}

export class EventsQuery extends LimitQuery {
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;
}

export class ReadMarkDto {
  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  seq: number;
}
