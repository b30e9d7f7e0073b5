import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';

export const DEFAULT_POOL_SIZE = 10;

/**
 * The embedded database is one PostgreSQL backend behind a socket server that interleaves the protocol
 * messages of concurrent connections outside transactions (a known pglite-socket bug): one connection
 * is both correct and no slower there.
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
    entities: [join(__dirname, '..', '**', '*.entity.js')],
    extra: { max: poolSize },
    logging: ['error'],
  };
}
