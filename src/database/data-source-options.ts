import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';

export const DEFAULT_POOL_SIZE = 10;

/**
 * The embedded database is one PostgreSQL backend: statements run one at a time whatever the pool, so
 * one connection is no slower, and it keeps each request's statements whole (see ExchangeQueue).
 */
export const EMBEDDED_POOL_SIZE = 1;

/** One definition for the app, the TypeORM CLI and the tests: only the URL and pool size differ. */
export function dataSourceOptions(url: string, poolSize = DEFAULT_POOL_SIZE): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'parley_migrations',
    migrations,
    extra: { max: poolSize },
    logging: ['error'],
  };
}
