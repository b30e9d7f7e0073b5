import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { RoomEvent } from './room-event';

/**
 * The in-process bus between services and the realtime layer. Services publish only after their
 * transaction commits (see TransactionRunner), so subscribers never see a rolled-back event.
 */
@Injectable()
export class RoomEventBus {
  private readonly subject = new Subject<RoomEvent>();

  get events$(): Observable<RoomEvent> {
    return this.subject.asObservable();
  }

  publish(events: readonly RoomEvent[]): void {
    for (const event of events) this.subject.next(event);
  }
}
