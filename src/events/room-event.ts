/** A stored room event: what `GET /events` returns and what the gateway fans out as `room.event`. */
export interface RoomEvent {
  tenantId: string;
  roomId: string;
  seq: number;
  type: RoomEventType;
  data: unknown;
  createdAt: string;
}

export type RoomEventType =
  | 'message.created'
  | 'message.updated'
  | 'message.deleted'
  | 'reaction.added'
  | 'reaction.removed'
  | 'thread.created'
  | 'thread.updated'
  | 'participant.joined'
  | 'participant.left'
  | 'participant.updated'
  | 'room.updated'
  | 'session.updated';

/** The wire shape of a room event, in `/events` and in socket payloads. */
export function toEventView(e: RoomEvent) {
  return { seq: e.seq, type: e.type, data: e.data, createdAt: e.createdAt };
}
