import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ExchangeQueue } from './embedded-exchange-queue';

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
    // The app uses one connection (EMBEDDED_POOL_SIZE); the rest is room for the migration runner,
    // test processes and a psql session.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    // pglite-socket 0.2.17 (pinned) hands this queue to every connection it accepts; see ExchangeQueue.
    (server as unknown as { queryQueue: ExchangeQueue }).queryQueue = new ExchangeQueue(db);
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
    return new EmbeddedDatabase(db, server, url);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
