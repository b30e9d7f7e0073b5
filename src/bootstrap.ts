import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/validation.pipe';
import { ParleyIoAdapter } from './realtime/socket-io.adapter';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Errors that Fastify raises before a route runs (body too large, bad JSON) reach the error handler that
 * Nest installs on this instance, and through it AllExceptionsFilter: the same shape as every other error.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
}

/** Everything main.ts and the e2e tests set up the same way. */
export function configureApp(app: NestFastifyApplication): INestApplication {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  app.useWebSocketAdapter(ParleyIoAdapter.for(app));
  const docs = new DocumentBuilder()
    .setTitle('Parley')
    .setDescription('Multi-tenant chat for people and AI agents')
    .setVersion('1')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, docs));
  return app;
}
