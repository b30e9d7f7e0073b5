import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError } from './app-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: string[];
}

const codeByStatus: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** PostgreSQL errors that a client's input can cause, answered as 4xx instead of a 500. */
const pgClientErrors: Record<string, [number, string, string]> = {
  '22P02': [400, 'validation_failed', 'A value has the wrong format'],
  '22001': [400, 'validation_failed', 'A value is too long'],
  '22021': [400, 'validation_failed', 'A value contains a character that cannot be stored'],
  '22P05': [400, 'validation_failed', 'A value contains a character that cannot be stored'],
  '22003': [400, 'validation_failed', 'A number is out of range'],
  '23505': [409, 'conflict', 'The resource already exists'],
  '40001': [409, 'conflict', 'Concurrent update, retry the request'],
  '40P01': [409, 'conflict', 'Concurrent update, retry the request'],
};

/**
 * Maps any thrown value to the public error shape. Unknown errors become a bare 500: no stack, no SQL.
 * Returns `internal: true` so the caller logs the original.
 */
export function toErrorBody(exception: unknown): { body: ErrorBody; internal: boolean } {
  if (exception instanceof AppError) {
    const body: ErrorBody = {
      statusCode: exception.getStatus(),
      error: exception.code,
      message: exception.message,
    };
    if (exception.details && exception.details.length > 1) body.details = exception.details;
    return { body, internal: false };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: unknown }).message
        : exception.message;
    const message = Array.isArray(raw) ? raw.join('; ') : String(raw);
    return {
      body: { statusCode: status, error: codeByStatus[status] ?? 'http_error', message },
      internal: status >= 500,
    };
  }
  const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const message = fastifyStatus === 413 ? 'Request body is too large' : 'Bad request';
    return {
      body: {
        statusCode: fastifyStatus,
        error: codeByStatus[fastifyStatus] ?? 'bad_request',
        message,
      },
      internal: false,
    };
  }
  const pgCode = (exception as { code?: unknown })?.code;
  if (typeof pgCode === 'string' && pgClientErrors[pgCode]) {
    const [statusCode, error, message] = pgClientErrors[pgCode];
    return { body: { statusCode, error, message }, internal: false };
  }
  return {
    body: {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'internal_error',
      message: 'Something went wrong',
    },
    internal: true,
  };
}
