import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';

export const POOL_SIZE = 10;

/** One definition for the app, the TypeORM CLI and the tests: only the URL differs. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'parley_migrations',
    migrations,
    entities: [join(__dirname, '..', '**', '*.entity.js')],
    extra: { max: POOL_SIZE },
    logging: ['error'],
  };
}
