import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/bootstrap';
import { newProfile, newTenant, TEST_JWT_SECRET, tokenFor } from './tokens';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestModuleOptions {
  /** Extra modules beside AppModule, e.g. a test agent. */
  imports?: Type[];
  /** Provider overrides, e.g. shorter runtime limits. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** The real AppModule on the test database, listening on a free loopback port. */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  { imports = [], override = (builder) => builder }: TestModuleOptions = {},
): Promise<TestApp> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    NODE_ENV: 'test',
  });
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const moduleRef = await override(
      Test.createTestingModule({ imports: [AppModule, ...imports] }),
    ).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
      logger: ['error', 'warn'],
    });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    return {
      app,
      url: url.replace('[::1]', '127.0.0.1'),
      http: request(app.getHttpServer()),
      close: () => app.close(),
    };
  } finally {
    process.env = saved;
  }
}

/** A tenant with named profiles and their bearer headers. */
export function makeTenant(...names: string[]) {
  const tenantId = newTenant();
  const users = Object.fromEntries(
    names.map((name) => {
      const profileId = newProfile(name);
      const token = tokenFor(tenantId, profileId);
      return [name, { profileId, token, auth: { Authorization: `Bearer ${token}` } }];
    }),
  );
  return { tenantId, users };
}
