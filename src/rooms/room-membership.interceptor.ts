import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { from, Observable, switchMap } from 'rxjs';
import { Actor } from '../auth/actor';
import { CommonErrors } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { RoomAccessService } from './room-access.service';

type RoomRequest = { params?: Record<string, string>; user?: Actor };

/**
 * A second line on every `:roomId` route: a malformed id is a 400 and a room the actor cannot see is a
 * 404 before any handler runs. The services still make their own, finer check; both share one lookup.
 */
@Injectable()
export class RoomMembershipInterceptor implements NestInterceptor {
  constructor(private readonly access: RoomAccessService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RoomRequest>();
    return new Observable((subscriber) =>
      this.access.withRequestMemo(() =>
        from(this.check(request))
          .pipe(switchMap(() => next.handle()))
          .subscribe(subscriber),
      ),
    );
  }

  private async check({ params, user }: RoomRequest): Promise<void> {
    const roomId = params?.roomId;
    if (roomId === undefined || !user) return;
    if (!isUuid(roomId)) throw CommonErrors.invalidId('roomId');
    await this.access.require(user, roomId.toLowerCase(), 'view');
  }
}
