import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { AgentStreamEvent } from './agent-stream-event';
import { RoomEvent } from './room-event';

/**
 * The in-process bus between services and the realtime layer. Room events are published only after
 * their transaction commits (see TransactionRunner), so subscribers never see a rolled-back event.
 */
@Injectable()
export class RoomEventBus {
  private readonly rooms = new Subject<RoomEvent>();
  private readonly agents = new Subject<AgentStreamEvent>();

  get events$(): Observable<RoomEvent> {
    return this.rooms.asObservable();
  }

  get agentStream$(): Observable<AgentStreamEvent> {
    return this.agents.asObservable();
  }

  publish(events: readonly RoomEvent[]): void {
    for (const event of events) this.rooms.next(event);
  }

  publishAgent(event: AgentStreamEvent): void {
    this.agents.next(event);
  }
}
