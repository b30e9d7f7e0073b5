import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** One secret per run, handed to Parley as JWT_SECRET (at least 32 characters). */
export const BENCH_JWT_SECRET = randomBytes(32).toString('hex');

/** An HS256 token as an identity provider would issue it: `tid` is the tenant, `sub` the profile. */
export function signToken(tenantId: string, profileId: string): string {
  return jwt.sign({ tid: tenantId }, BENCH_JWT_SECRET, {
    algorithm: 'HS256',
    subject: profileId,
    expiresIn: '2h',
  });
}
