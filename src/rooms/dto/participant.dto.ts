import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { LimitQuery } from '../../common/pagination';
import { PARTICIPANT_ROLES, ParticipantRole } from '../room.types';

/** Opaque profile ids: 1-128 characters, no control characters. */
const PROFILE_ID = /^[^\p{Cc}]{1,128}$/u;

export class ProfileRefDto {
  @ApiProperty({ minLength: 1, maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(PROFILE_ID, { message: 'profileId must not contain control characters' })
  profileId: string;
}

export class AddParticipantDto extends ProfileRefDto {
  @ApiPropertyOptional({ enum: PARTICIPANT_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(PARTICIPANT_ROLES)
  role?: ParticipantRole;
}

export class UpdateParticipantDto {
  @ApiPropertyOptional({ enum: PARTICIPANT_ROLES })
  @IsOptional()
  @IsIn(PARTICIPANT_ROLES)
  role?: ParticipantRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isMuted?: boolean;
}

export class RemoveParticipantQuery {
  @ApiPropertyOptional({ description: 'Ban instead of kick: the profile cannot join again' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  ban?: boolean;
}

export class ListParticipantsQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Profile id after which the page starts' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  after?: string;
}
