import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from './environment';
import {
  appConfig,
  authConfig,
  databaseConfig,
  limitsConfig,
  llmConfig,
  redisConfig,
} from './settings';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: validateEnvironment,
      load: [appConfig, databaseConfig, redisConfig, authConfig, limitsConfig, llmConfig],
    }),
  ],
})
export class AppConfigModule {}
