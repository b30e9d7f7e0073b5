import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (`npm run migration:run`); it needs DATABASE_URL. */
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL: set it to the PostgreSQL that migrations should run against');
}

export default new DataSource(dataSourceOptions(url));
