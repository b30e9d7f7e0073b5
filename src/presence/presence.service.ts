import { Injectable } from '@nestjs/common';

/** Ids never hold control characters, so this separator cannot be forged by a tenant or profile id. */
const SEP = '\u001f';

export const presenceKey = (tenantId: string, profileId: string): string =>
  `${tenantId}${SEP}${profileId}`;

export function splitPresenceKey(key: string): { tenantId: string; profileId: string } {
  const at = key.indexOf(SEP);
  return { tenantId: key.slice(0, at), profileId: key.slice(at + 1) };
}

interface NodeView {
  keys: Set<string>;
  seenAt: number;
}

/**
 * Who is online: a profile is online while it has a socket on any node. This node counts its own
 * sockets; what the other nodes report (see the realtime PresenceRelay) is kept here as a replica, so
 * that `isOnline` answers at once, without a network call, for every participant view.
 *
 * When a profile's last socket here closes its count drops to 0 but it stays online here until
 * `release`: a grace period, so that a page reload does not flap offline and online.
 */
@Injectable()
export class PresenceService {
  private readonly local = new Map<string, number>();
  private readonly nodes = new Map<string, NodeView>();

  /** Returns true when the profile had no socket (and no grace period) on this node. */
  connected(tenantId: string, profileId: string): boolean {
    const key = presenceKey(tenantId, profileId);
    const n = this.local.get(key);
    this.local.set(key, (n ?? 0) + 1);
    return n === undefined;
  }

  /** Returns true when this was the profile's last socket on this node. */
  disconnected(tenantId: string, profileId: string): boolean {
    const key = presenceKey(tenantId, profileId);
    const n = this.local.get(key);
    if (!n) return false;
    this.local.set(key, n - 1);
    return n === 1;
  }

  /** Ends the grace period; returns true when the profile is now gone from this node. */
  release(key: string): boolean {
    if (this.local.get(key) !== 0) return false;
    this.local.delete(key);
    return true;
  }

  isOnline(tenantId: string, profileId: string): boolean {
    return this.isOnlineKey(presenceKey(tenantId, profileId));
  }

  isOnlineKey(key: string): boolean {
    return this.local.has(key) || this.onOtherNodes(key);
  }

  onOtherNodes(key: string): boolean {
    for (const node of this.nodes.values()) if (node.keys.has(key)) return true;
    return false;
  }

  /** This node's online profiles, as it reports them to the others. */
  localKeys(): string[] {
    return [...this.local.keys()];
  }

  /** Another node's full report (its heartbeat). */
  replaceNode(nodeId: string, keys: string[], now: number): void {
    this.nodes.set(nodeId, { keys: new Set(keys), seenAt: now });
  }

  /** One change reported by another node. */
  changeNode(nodeId: string, key: string, online: boolean, now: number): void {
    const node = this.nodes.get(nodeId) ?? { keys: new Set<string>(), seenAt: now };
    if (online) node.keys.add(key);
    else node.keys.delete(key);
    node.seenAt = now;
    this.nodes.set(nodeId, node);
  }

  /** Forgets a node (it said goodbye, or went silent); returns the profiles it had online. */
  removeNode(nodeId: string): string[] {
    const node = this.nodes.get(nodeId);
    this.nodes.delete(nodeId);
    return node ? [...node.keys] : [];
  }

  /** The nodes not heard from since `before`. */
  silentNodes(before: number): string[] {
    return [...this.nodes].filter(([, n]) => n.seenAt < before).map(([id]) => id);
  }

  otherNodeIds(): string[] {
    return [...this.nodes.keys()];
  }
}
