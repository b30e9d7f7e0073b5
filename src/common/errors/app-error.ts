import { HttpException } from '@nestjs/common';

/** An error with a stable snake_case code, mapped to HTTP and socket acks by one filter. */
export class AppError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super({ statusCode: status, error: code, message }, status);
  }
}

export const CommonErrors = {
  validation: (details: string[]) =>
    new AppError(400, 'validation_failed', details[0] ?? 'Invalid input', details),
  invalidId: (name: string) => new AppError(400, 'invalid_id', `${name} is not a valid id`),
  unauthorized: (message = 'Authentication required') => new AppError(401, 'unauthorized', message),
};
