import {
  createParamDecorator,
  ExecutionContext,
  InternalServerErrorException,
} from '@nestjs/common';
import { Actor } from './actor';

/** Reads the actor the guard put on the request; it never authenticates by itself. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<{ user?: Actor }>().user;
  if (!actor)
    throw new InternalServerErrorException('CurrentActor used on a route without the guard');
  return actor;
});
