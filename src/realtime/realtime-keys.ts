/**
 * Socket.io room names. Tenant and profile ids are opaque strings that may contain `:`, so each part is
 * URI-encoded: otherwise tenant `a:b` with profile `c` and tenant `a` with profile `b:c` would share a room.
 */
export const profileRoom = (tenantId: string, profileId: string): string =>
  `profile:${encodeURIComponent(tenantId)}:${encodeURIComponent(profileId)}`;

export const chatRoom = (tenantId: string, roomId: string): string =>
  `room:${encodeURIComponent(tenantId)}:${roomId}`;

/** Server-to-server messages over the socket.io adapter (Redis); never sent to clients. */
export const NODE_EVENTS = {
  roomEvent: 'parley:room-event',
  presence: 'parley:presence',
} as const;
