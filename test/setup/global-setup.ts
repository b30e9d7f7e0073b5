import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, EMBEDDED_POOL_SIZE } from '../../src/database/data-source-options';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

/**
 * Runs the migrations once on TEST_DATABASE_URL; without one, starts the embedded database (as a
 * fresh install would) and points every test worker at it. Tests never truncate: each makes its own tenant.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) {
    const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    const embedded = await EmbeddedDatabase.start(dir);
    (globalThis as { parleyEmbedded?: EmbeddedDatabase }).parleyEmbedded = embedded;
    process.env.TEST_DATABASE_URL = embedded.url;
    process.env.DATABASE_POOL_SIZE = String(EMBEDDED_POOL_SIZE);
  }
  const ds = new DataSource(dataSourceOptions(process.env.TEST_DATABASE_URL));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
