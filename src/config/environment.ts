import { createPublicKey } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Every setting Parley reads from the environment, checked once at boot. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @IsOptional()
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_TENANT_CLAIM?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MESSAGE_MAX_LENGTH?: number;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  LLM_BASE_URL?: string;

  @IsOptional()
  @IsString()
  LLM_MODEL?: string;

  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;
}

/** The verifier takes an RSA key as RS256 and an EC key as ES256; any other key would refuse every token. */
function publicKeyProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let key;
  try {
    key = createPublicKey(value.replace(/\\n/g, '\n'));
  } catch {
    return 'JWT_PUBLIC_KEY: is not a PEM public key';
  }
  const p256 =
    key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (key.asymmetricKeyType === 'rsa' || p256) return undefined;
  return 'JWT_PUBLIC_KEY: must be an RSA (RS256) or P-256 (ES256) public key';
}

/** Throws one error naming every bad setting, so a misconfigured start stops with a readable message. */
export function validateEnvironment(raw: Record<string, unknown>): Record<string, unknown> {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  const keyProblem = publicKeyProblem(raw.JWT_PUBLIC_KEY);
  if (keyProblem) problems.push(keyProblem);
  const keys = ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'].filter((k) => raw[k]);
  if (keys.length > 1) {
    problems.push(`${keys.join(', ')}: set only one of JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL`);
  }
  if (raw.NODE_ENV === 'production' && keys.length === 0) {
    problems.push('JWT_SECRET: production needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid settings:\n  ${problems.join('\n  ')}`);
  }
  return { ...raw, ...env };
}
