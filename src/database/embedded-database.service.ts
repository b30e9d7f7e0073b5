import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EmbeddedDatabase } from './embedded-database';

/** Owns the embedded database of one app instance, so that it is closed with the app. */
@Injectable()
export class EmbeddedDatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedDatabase');
  private database?: EmbeddedDatabase;

  async start(dataDir: string): Promise<string> {
    this.database = await EmbeddedDatabase.start(dataDir);
    this.logger.log(`embedded PostgreSQL (PGlite) in ${dataDir}, serving ${this.database.url}`);
    return this.database.url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database?.stop();
    this.database = undefined;
  }
}
