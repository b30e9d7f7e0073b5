import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const DEV_SECRET_FILE = 'jwt-dev-secret';

/**
 * The HS256 secret of a development install that has no key configured: made once, kept in DATA_DIR,
 * so tokens from `npm run token` keep working across restarts. Production refuses to start without a key.
 */
export function devSecret(dataDir: string): string {
  const file = join(dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
