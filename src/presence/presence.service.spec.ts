import { PresenceService, presenceKey, splitPresenceKey } from './presence.service';

describe('PresenceService', () => {
  it('counts this node’s sockets and keeps a profile online through the grace period', () => {
    const presence = new PresenceService();
    expect(presence.connected('t', 'p')).toBe(true);
    expect(presence.connected('t', 'p')).toBe(false);
    expect(presence.disconnected('t', 'p')).toBe(false);
    expect(presence.disconnected('t', 'p')).toBe(true);
    expect(presence.isOnline('t', 'p')).toBe(true);
    // A reconnect within the grace period is not a new arrival.
    expect(presence.connected('t', 'p')).toBe(false);
    expect(presence.release(presenceKey('t', 'p'))).toBe(false);
    expect(presence.disconnected('t', 'p')).toBe(true);
    expect(presence.release(presenceKey('t', 'p'))).toBe(true);
    expect(presence.isOnline('t', 'p')).toBe(false);
    expect(presence.disconnected('t', 'p')).toBe(false);
  });

  it('answers for the other nodes from their reports until they go', () => {
    const presence = new PresenceService();
    const key = presenceKey('t', 'p');
    presence.replaceNode('b', [key], 1000);
    expect(presence.isOnline('t', 'p')).toBe(true);
    expect(presence.onOtherNodes(key)).toBe(true);
    presence.changeNode('b', key, false, 2000);
    expect(presence.isOnline('t', 'p')).toBe(false);
    presence.changeNode('c', key, true, 3000);
    expect(presence.silentNodes(2500)).toEqual(['b']);
    expect(presence.removeNode('c')).toEqual([key]);
    expect(presence.isOnline('t', 'p')).toBe(false);
    expect(presence.otherNodeIds()).toEqual(['b']);
  });

  it('keeps tenants apart whatever the ids contain', () => {
    const presence = new PresenceService();
    presence.connected('a:b', 'c');
    expect(presence.isOnline('a', 'b:c')).toBe(false);
    expect(splitPresenceKey(presenceKey('a:b', 'c:d'))).toEqual({
      tenantId: 'a:b',
      profileId: 'c:d',
    });
  });
});
