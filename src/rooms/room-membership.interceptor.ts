import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { Actor } from '../auth/actor';
import { CommonErrors } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { RoomAccessService } from './room-access.service';

/**
 * A second line on every `:roomId` route: a malformed id is a 400 and a room the actor cannot see is a
 * 404 before any handler runs. The services still make their own, finer check; both are served by the
 * same cached lookup.
 */
@Injectable()
export class RoomMembershipInterceptor implements NestInterceptor {
  constructor(private readonly access: RoomAccessService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const { params, user } = context
      .switchToHttp()
      .getRequest<{ params?: Record<string, string>; user?: Actor }>();
    const roomId = params?.roomId;
    if (roomId !== undefined && user) {
      if (!isUuid(roomId)) throw CommonErrors.invalidId('roomId');
      await this.access.require(user, roomId.toLowerCase(), 'view');
    }
    return next.handle();
  }
}
