import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorBody } from './error-body';

/** The one place where HTTP errors take their public shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const { body, internal } = toErrorBody(exception);
    if (internal) this.logger.error(exception instanceof Error ? exception.stack : exception);
    void host.switchToHttp().getResponse<FastifyReply>().status(body.statusCode).send(body);
  }
}
