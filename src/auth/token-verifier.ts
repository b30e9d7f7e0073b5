import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt, { Algorithm, GetPublicKeyOrSecret, JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { isOpaqueId } from '../common/ids';
import { appConfig, AppConfig, authConfig, AuthConfig } from '../config/settings';
import { Actor, AGENT_PROFILE_PREFIX, VerifiedToken } from './actor';
import { devSecret } from './signing-key';

/**
 * Keys are KeyObjects made once: given a string, jsonwebtoken builds a KeyObject on every verify, which
 * measured as a fifth of the CPU of a request.
 */
type KeySource = KeyObject | GetPublicKeyOrSecret;

/**
 * The one token check, shared by HTTP (passport-jwt) and the socket handshake: key, algorithms, issuer,
 * audience and the claims that make an actor.
 */
@Injectable()
export class TokenVerifier {
  readonly algorithms: Algorithm[];
  readonly key: KeySource;
  readonly tenantClaim: string;
  readonly issuer?: string;
  readonly audience?: string;

  constructor(@Inject(authConfig.KEY) auth: AuthConfig, @Inject(appConfig.KEY) app: AppConfig) {
    this.tenantClaim = auth.tenantClaim;
    this.issuer = auth.issuer;
    this.audience = auth.audience;
    if (auth.jwksUrl) {
      const client = new JwksClient({ jwksUri: auth.jwksUrl, cache: true, rateLimit: true });
      this.algorithms = ['RS256', 'ES256'];
      const keys = new Map<string, KeyObject>();
      this.key = (header, done) => {
        client.getSigningKey(header.kid).then(
          (k) => {
            const pem = k.getPublicKey();
            if (!keys.has(pem)) keys.set(pem, createPublicKey(pem));
            done(null, keys.get(pem));
          },
          (err: Error) => done(err),
        );
      };
    } else if (auth.publicKey) {
      this.key = createPublicKey(auth.publicKey);
      this.algorithms = this.key.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256'];
    } else {
      this.algorithms = ['HS256'];
      this.key = createSecretKey(Buffer.from(auth.secret ?? devSecret(app.dataDir), 'utf8'));
    }
  }

  verify(token: string): Promise<VerifiedToken> {
    return new Promise((resolve, reject) => {
      jwt.verify(
        token,
        this.key,
        { algorithms: this.algorithms, issuer: this.issuer, audience: this.audience },
        (err, payload) => {
          if (err || !payload || typeof payload === 'string')
            return reject(err ?? new Error('bad'));
          const actor = this.toActor(payload);
          if (!actor) return reject(new Error('missing or invalid subject or tenant'));
          resolve({ actor, expiresAt: payload.exp });
        },
      );
    });
  }

  /** The claims that make an actor; `agent:` subjects are reserved for the agent runtime. */
  toActor(payload: JwtPayload): Actor | undefined {
    const profileId = payload.sub;
    const tenantId = payload[this.tenantClaim] as unknown;
    if (!isOpaqueId(profileId) || !isOpaqueId(tenantId)) return undefined;
    if (profileId.startsWith(AGENT_PROFILE_PREFIX)) return undefined;
    return { tenantId, profileId };
  }
}
