import { AppError } from '../common/errors/app-error';

export const MessageErrors = {
  notFound: () => new AppError(404, 'message_not_found', 'Message not found'),
  notAuthor: () => new AppError(403, 'forbidden_role', 'Only the author can do this'),
  notEditable: () =>
    new AppError(
      400,
      'message_not_editable',
      'Only your own, undeleted user messages can be edited',
    ),
  invalidReference: (what: string) =>
    new AppError(400, 'invalid_reference', `${what} does not belong to this room`),
  sessionInactive: () =>
    new AppError(409, 'session_inactive', 'The agent session is closed, expired or out of budget'),
  reactionNotFound: () => new AppError(404, 'reaction_not_found', 'No such reaction of yours'),
};
