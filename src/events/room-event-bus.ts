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
  private readonly cluster = new Subject<RoomEvent>();
  private readonly agents = new Subject<AgentStreamEvent>();

  get events$(): Observable<RoomEvent> {
    return this.rooms.asObservable();
  }

  /**
   * Every committed room event of the cluster: this node's, and the other nodes' as the realtime layer
   * relays them when several nodes share Redis. For caches that must forget what changed anywhere.
   */
  get clusterEvents$(): Observable<RoomEvent> {
    return this.cluster.asObservable();
  }

  get agentStream$(): Observable<AgentStreamEvent> {
    return this.agents.asObservable();
  }

  publish(events: readonly RoomEvent[]): void {
    for (const event of events) {
      this.cluster.next(event);
      this.rooms.next(event);
    }
  }

  /** An event another node committed, as relayed to this one. */
  receiveFromPeer(event: RoomEvent): void {
    this.cluster.next(event);
  }

  publishAgent(event: AgentStreamEvent): void {
    this.agents.next(event);
  }
}
