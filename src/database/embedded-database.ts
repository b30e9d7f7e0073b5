import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { POOL_SIZE } from './data-source-options';

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served over the wire protocol on loopback so that the
 * ordinary `pg` driver talks to it: the same SQL dialect as production, with nothing to install.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedDatabase> {
    const dir = resolve(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    const db = await PGlite.create(dir);
    // One socket per pooled connection, plus room for the migration runner and a psql session.
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: POOL_SIZE * 4,
    });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
    return new EmbeddedDatabase(db, server, url);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
