import { AppError } from '../common/errors/app-error';

export const RoomErrors = {
  notFound: () => new AppError(404, 'room_not_found', 'Room not found'),
  notParticipant: () => new AppError(403, 'not_a_participant', 'Join the room first to do this'),
  forbiddenRole: (message = 'Your role in this room does not allow this') =>
    new AppError(403, 'forbidden_role', message),
  archived: () => new AppError(409, 'room_archived', 'The room is archived'),
  full: () => new AppError(409, 'room_full', 'The room has reached its participant limit'),
  banned: () => new AppError(403, 'participant_banned', 'You are banned from this room'),
  ownerMustTransfer: () =>
    new AppError(
      409,
      'owner_must_transfer',
      'The last owner must make another participant owner before leaving',
    ),
  wrongRoomType: (message: string) => new AppError(400, 'invalid_room_type', message),
  participantNotFound: () =>
    new AppError(404, 'participant_not_found', 'No such participant in this room'),
  selfDm: () => new AppError(400, 'validation_failed', 'A direct message needs another profile'),
  reservedProfile: () =>
    new AppError(400, 'validation_failed', 'Profile ids starting with agent: are reserved'),
};
