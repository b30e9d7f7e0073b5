import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { toErrorBody } from './common/errors/error-body';
import { createValidationPipe } from './common/validation.pipe';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export function createHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  // Errors that Fastify raises before a route runs (body too large, bad JSON) get the same shape.
  adapter.getInstance().setErrorHandler((error, _request, reply) => {
    const { body } = toErrorBody(error);
    void reply.status(body.statusCode).send(body);
  });
  return adapter;
}

/** Everything main.ts and the e2e tests set up the same way. */
export function configureApp(app: NestFastifyApplication): INestApplication {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
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
