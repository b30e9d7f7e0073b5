import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './bootstrap';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter());
  configureApp(app);
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '0.0.0.0');
  const logger = new Logger('Parley');
  logger.log(`listening on http://localhost:${port} (API docs at /docs)`);
  if (!process.env.JWT_SECRET && !process.env.JWT_PUBLIC_KEY && !process.env.JWT_JWKS_URL) {
    logger.log('development signing key in DATA_DIR; get a token with:');
    logger.log('  npm run token -- --tenant acme --sub alice');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
