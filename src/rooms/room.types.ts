export const ROOM_TYPES = ['public', 'private', 'dm', 'agent'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
export type RoomStatus = 'active' | 'archived';

export const PARTICIPANT_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];
export type ParticipantStatus = 'active' | 'left' | 'kicked' | 'banned';

export interface RoomRow {
  tenant_id: string;
  id: string;
  name: string;
  room_type: RoomType;
  status: RoomStatus;
  topic: string | null;
  description: string | null;
  max_participants: number;
  created_by_profile_id: string;
  last_seq: string;
  last_message_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ParticipantRow {
  tenant_id: string;
  room_id: string;
  profile_id: string;
  role: ParticipantRole;
  status: ParticipantStatus;
  is_muted: boolean;
  last_read_seq: string;
  last_read_message_id: string | null;
  joined_at: Date;
}

export interface RoomView {
  id: string;
  tenantId: string;
  name: string;
  roomType: RoomType;
  status: RoomStatus;
  topic: string | null;
  description: string | null;
  maxParticipants: number;
  createdByProfileId: string;
  lastMessageAt: string | null;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface ParticipantView {
  roomId: string;
  profileId: string;
  role: ParticipantRole;
  status: ParticipantStatus;
  onlineStatus: 'online' | 'offline';
  lastReadSeq: number;
  lastReadMessageId: string | null;
  isMuted: boolean;
  joinedAt: string;
}

export const PARTICIPANT_COLUMNS = `tenant_id, room_id, profile_id, role, status, is_muted, last_read_seq,
  last_read_message_id, joined_at`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toRoomView(r: RoomRow): RoomView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    roomType: r.room_type,
    status: r.status,
    topic: r.topic,
    description: r.description,
    maxParticipants: r.max_participants,
    createdByProfileId: r.created_by_profile_id,
    lastMessageAt: iso(r.last_message_at),
    lastSeq: Number(r.last_seq),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toParticipantView(p: ParticipantRow, online = false): ParticipantView {
  return {
    roomId: p.room_id,
    profileId: p.profile_id,
    role: p.role,
    status: p.status,
    onlineStatus: online ? 'online' : 'offline',
    lastReadSeq: Number(p.last_read_seq),
    lastReadMessageId: p.last_read_message_id,
    isMuted: p.is_muted,
    joinedAt: p.joined_at.toISOString(),
  };
}
