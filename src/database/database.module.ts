import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig, AppConfig, databaseConfig, DatabaseConfig } from '../config/settings';
import { dataSourceOptions, EMBEDDED_POOL_SIZE } from './data-source-options';
import { EmbeddedDatabaseService } from './embedded-database.service';

@Module({ providers: [EmbeddedDatabaseService], exports: [EmbeddedDatabaseService] })
class EmbeddedDatabaseModule {}

/**
 * With DATABASE_URL set, Parley uses that PostgreSQL and expects `npm run migration:run` to have run.
 * Without it, Parley starts the embedded database in DATA_DIR and applies the migrations itself.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [databaseConfig.KEY, appConfig.KEY, EmbeddedDatabaseService],
      useFactory: async (db: DatabaseConfig, app: AppConfig, embedded: EmbeddedDatabaseService) => {
        if (db.url) return dataSourceOptions(db.url, db.poolSize);
        const url = await embedded.start(app.dataDir);
        return {
          ...dataSourceOptions(url, EMBEDDED_POOL_SIZE),
          migrationsRun: true,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
