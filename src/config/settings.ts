import { DEFAULT_POOL_SIZE } from '../database/data-source-options';
import { registerAs } from '@nestjs/config';

export const appConfig = registerAs('app', () => ({
  port: Number(process.env.PORT ?? 3000),
  production: process.env.NODE_ENV === 'production',
  dataDir: process.env.DATA_DIR ?? './data',
}));

export const databaseConfig = registerAs('database', () => ({
  /** Unset: the embedded PostgreSQL (PGlite) in DATA_DIR. */
  url: process.env.DATABASE_URL || undefined,
  poolSize: Number(process.env.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE),
}));

export const redisConfig = registerAs('redis', () => ({
  /** Unset: a single node, fan-out stays in process. */
  url: process.env.REDIS_URL || undefined,
}));

export const authConfig = registerAs('auth', () => ({
  secret: process.env.JWT_SECRET || undefined,
  publicKey: process.env.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n') || undefined,
  jwksUrl: process.env.JWT_JWKS_URL || undefined,
  issuer: process.env.JWT_ISSUER || undefined,
  audience: process.env.JWT_AUDIENCE || undefined,
  tenantClaim: process.env.JWT_TENANT_CLAIM || 'tid',
}));

export const limitsConfig = registerAs('limits', () => ({
  messageMaxLength: Number(process.env.MESSAGE_MAX_LENGTH ?? 16_000),
  bodyLimitBytes: 1024 * 1024,
}));

export const llmConfig = registerAs('llm', () => ({
  baseUrl: process.env.LLM_BASE_URL || undefined,
  model: process.env.LLM_MODEL || undefined,
  apiKey: process.env.LLM_API_KEY || undefined,
}));

export type AppConfig = ReturnType<typeof appConfig>;
export type DatabaseConfig = ReturnType<typeof databaseConfig>;
export type RedisConfig = ReturnType<typeof redisConfig>;
export type AuthConfig = ReturnType<typeof authConfig>;
export type LimitsConfig = ReturnType<typeof limitsConfig>;
export type LlmConfig = ReturnType<typeof llmConfig>;
