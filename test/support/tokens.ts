import { randomUUID } from 'node:crypto';
import jwt, { SignOptions } from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'parley-test-secret-parley-test-secret-0123456789';

/** A fresh tenant per test keeps tests independent without truncating tables. */
export const newTenant = (): string => `t-${randomUUID()}`;
export const newProfile = (name = 'p'): string => `${name}-${randomUUID().slice(0, 8)}`;

export function tokenFor(
  tenantId: string,
  profileId: string,
  options: SignOptions = {},
  secret: string = TEST_JWT_SECRET,
): string {
  return jwt.sign({ tid: tenantId }, secret, {
    algorithm: 'HS256',
    subject: profileId,
    expiresIn: 3600,
    ...options,
  });
}
