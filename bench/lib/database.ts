import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';

export interface BenchDatabase {
  url: string;
  /** Drops the database the harness created; keeps one given in BENCH_DATABASE_URL. */
  drop(): Promise<void>;
}

const LOCAL_SERVER = '127.0.0.1:5432';
/** Trust auth on the project's machines; which role exists differs (postgres on CI images, root here). */
const CANDIDATE_USERS = ['postgres', 'root'];

/** BENCH_DATABASE_URL if set, else a fresh `parley_bench_<random>` on the local PostgreSQL. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { url: given, drop: async () => undefined };
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const errors: string[] = [];
  for (const user of CANDIDATE_USERS) {
    const adminUrl = `postgresql://${user}@${LOCAL_SERVER}/postgres`;
    const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
    } catch (err) {
      errors.push(`${user}: ${(err as Error).message}`);
      continue;
    } finally {
      await admin.end().catch(() => undefined);
    }
    return {
      url: `postgresql://${user}@${LOCAL_SERVER}/${name}`,
      drop: () => dropDatabase(adminUrl, name),
    };
  }
  throw new Error(
    `no PostgreSQL at ${LOCAL_SERVER} (set BENCH_DATABASE_URL): ${errors.join('; ')}`,
  );
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The app's own migrations, exactly as `npm run migration:run` applies them. */
export async function runMigrations(url: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

export async function serverVersion(url: string): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } finally {
    await db.end();
  }
}
