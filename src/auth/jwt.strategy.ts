import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import jwt, { JwtPayload } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { CommonErrors } from '../common/errors/app-error';
import { Actor } from './actor';
import { TokenVerifier } from './token-verifier';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly verifier: TokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: verifier.algorithms,
      issuer: verifier.issuer,
      audience: verifier.audience,
      // passport-jwt types its key as a string, but hands it to jsonwebtoken, which takes a KeyObject.
      secretOrKeyProvider: (_req: unknown, raw: string, done: (e: unknown, k?: string) => void) => {
        const key = verifier.key;
        if (typeof key !== 'function') return done(null, key as unknown as string);
        const decoded = jwt.decode(raw, { complete: true });
        if (!decoded) return done(new Error('garbled token'));
        key(decoded.header, (err, k) => done(err, k as unknown as string));
      },
    });
  }

  validate(payload: JwtPayload): Actor {
    const actor = this.verifier.toActor(payload);
    if (!actor) throw CommonErrors.unauthorized('The token names no valid subject or tenant');
    return actor;
  }
}
