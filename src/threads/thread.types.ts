export interface ThreadRow {
  tenant_id: string;
  id: string;
  room_id: string;
  root_message_id: string | null;
  title: string | null;
  is_resolved: boolean;
  resolved_at: Date | null;
  resolved_by_profile_id: string | null;
  message_count: number;
  last_message_at: Date | null;
  created_by_profile_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface ThreadView {
  id: string;
  roomId: string;
  rootMessageId: string | null;
  title: string | null;
  isResolved: boolean;
  resolvedAt: string | null;
  resolvedByProfileId: string | null;
  messageCount: number;
  lastMessageAt: string | null;
  createdByProfileId: string;
  createdAt: string;
}

export const THREAD_COLUMNS = `tenant_id, id, room_id, root_message_id, title, is_resolved, resolved_at,
  resolved_by_profile_id, message_count, last_message_at, created_by_profile_id, created_at, updated_at`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toThreadView(t: ThreadRow): ThreadView {
  return {
    id: t.id,
    roomId: t.room_id,
    rootMessageId: t.root_message_id,
    title: t.title,
    isResolved: t.is_resolved,
    resolvedAt: iso(t.resolved_at),
    resolvedByProfileId: t.resolved_by_profile_id,
    messageCount: t.message_count,
    lastMessageAt: iso(t.last_message_at),
    createdByProfileId: t.created_by_profile_id,
    createdAt: t.created_at.toISOString(),
  };
}
