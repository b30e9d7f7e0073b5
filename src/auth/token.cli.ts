import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { devSecret } from './signing-key';

/**
 * `npm run token -- --tenant acme --sub alice [--ttl 3600]`: a token for this install's configuration.
 * It signs with JWT_SECRET, or with the development secret kept in DATA_DIR.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  if (!values.tenant || !values.sub) {
    console.error('usage: npm run token -- --tenant <tenant> --sub <profile> [--ttl seconds]');
    process.exit(2);
  }
  if (process.env.JWT_PUBLIC_KEY || process.env.JWT_JWKS_URL) {
    console.error('This install verifies tokens from your identity provider; ask it for a token.');
    process.exit(2);
  }
  const secret = process.env.JWT_SECRET || devSecret(process.env.DATA_DIR ?? './data');
  const claim = process.env.JWT_TENANT_CLAIM || 'tid';
  const token = jwt.sign({ [claim]: values.tenant }, secret, {
    algorithm: 'HS256',
    subject: values.sub,
    expiresIn: Number(values.ttl),
    ...(process.env.JWT_ISSUER ? { issuer: process.env.JWT_ISSUER } : {}),
    ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
  });
  console.log(token);
}

main();
