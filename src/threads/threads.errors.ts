import { AppError } from '../common/errors/app-error';

export const ThreadErrors = {
  notFound: () => new AppError(404, 'thread_not_found', 'Thread not found'),
  forbiddenRole: () =>
    new AppError(
      403,
      'forbidden_role',
      'Only the thread creator, the root message author, an owner or an admin can change a thread',
    ),
  invalidRoot: () =>
    new AppError(
      400,
      'invalid_reference',
      'rootMessageId must be a root message of this room that is not deleted',
    ),
};
