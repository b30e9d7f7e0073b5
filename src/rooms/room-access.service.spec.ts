import { AppError } from '../common/errors/app-error';
import { RoomEvent } from '../events/room-event';
import { RoomEventBus } from '../events/room-event-bus';
import { Tx, TransactionRunner } from '../events/transaction-runner';
import { RoomAccessCache } from './room-access-cache';
import { assertAllowed, RoomAccessService, RoomPermission } from './room-access.service';
import {
  PARTICIPANT_ROLES,
  ParticipantRole,
  ParticipantRow,
  ParticipantStatus,
  ROOM_TYPES,
  RoomRow,
  RoomType,
} from './room.types';

type RowState = ParticipantStatus | 'no row';

const PERMISSIONS: readonly RoomPermission[] = ['view', 'read', 'post', 'manage', 'own'];
const ROW_STATES: readonly RowState[] = ['no row', 'active', 'left', 'kicked', 'banned'];

function room(roomType: RoomType, archived = false): RoomRow {
  const at = new Date('2025-01-01T00:00:00Z');
  return {
    tenant_id: 't1',
    id: '01900000-0000-7000-8000-000000000001',
    name: 'Room',
    room_type: roomType,
    status: archived ? 'archived' : 'active',
    topic: null,
    description: null,
    max_participants: 0,
    created_by_profile_id: 'alice',
    last_seq: '3',
    last_message_at: null,
    created_at: at,
    updated_at: at,
  };
}

function participant(status: ParticipantStatus, role: ParticipantRole): ParticipantRow {
  return {
    tenant_id: 't1',
    room_id: '01900000-0000-7000-8000-000000000001',
    profile_id: 'bob',
    role,
    status,
    is_muted: false,
    last_read_seq: '0',
    last_read_message_id: null,
    joined_at: new Date('2025-01-01T00:00:00Z'),
  };
}

/** What assertAllowed answers: `allowed` when it lets the call through, else "<status> <code>". */
function outcome(
  permission: RoomPermission,
  roomType: RoomType,
  state: RowState,
  role: ParticipantRole,
  archived: boolean,
): string {
  const access = {
    room: room(roomType, archived),
    participant: state === 'no row' ? undefined : participant(state, role),
  };
  try {
    assertAllowed(access, permission);
    return 'allowed';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return `${error.getStatus()} ${error.code}`;
  }
}

/**
 * The contract of API.md, written independently of the code: a room the actor may not see is a 404
 * (only public rooms are visible to non-participants); seeing is not participating (403); roles and the
 * archive come last, and the archive only stops posting.
 */
function expected(
  permission: RoomPermission,
  roomType: RoomType,
  state: RowState,
  role: ParticipantRole,
  archived: boolean,
): string {
  const participates = state === 'active';
  if (!participates && roomType !== 'public') return '404 room_not_found';
  if (permission === 'view') return 'allowed';
  if (!participates) return '403 not_a_participant';
  if (permission === 'post' && role === 'viewer') return '403 forbidden_role';
  if (permission === 'post' && archived) return '409 room_archived';
  if (permission === 'manage' && role !== 'owner' && role !== 'admin') return '403 forbidden_role';
  if (permission === 'own' && role !== 'owner') return '403 forbidden_role';
  return 'allowed';
}

type SpotCheck = [string, RoomPermission, RoomType, RowState, ParticipantRole, boolean, string];

/** Title, permission, room type, the actor's row, its role, archived, the answer. */
// prettier-ignore
const SPOT_CHECKS: SpotCheck[] = [
  ['a non-participant views a public room', 'view', 'public', 'no row', 'member', false, 'allowed'],
  ['a non-participant reads a public room', 'read', 'public', 'no row', 'member', false, '403 not_a_participant'],
  ['a non-participant views a private room', 'view', 'private', 'no row', 'member', false, '404 room_not_found'],
  ['a non-participant views a dm', 'view', 'dm', 'no row', 'member', false, '404 room_not_found'],
  ['a non-participant views an agent room', 'view', 'agent', 'no row', 'member', false, '404 room_not_found'],
  ['a kicked owner views a private room', 'view', 'private', 'kicked', 'owner', false, '404 room_not_found'],
  ['a banned owner manages a public room', 'manage', 'public', 'banned', 'owner', false, '403 not_a_participant'],
  ['a left member views a public room', 'view', 'public', 'left', 'member', false, 'allowed'],
  ['a viewer reads', 'read', 'private', 'active', 'viewer', false, 'allowed'],
  ['a viewer posts', 'post', 'private', 'active', 'viewer', false, '403 forbidden_role'],
  ['a viewer posts in an archived room', 'post', 'public', 'active', 'viewer', true, '403 forbidden_role'],
  ['a member posts in a dm', 'post', 'dm', 'active', 'member', false, 'allowed'],
  ['an owner posts in an archived room', 'post', 'public', 'active', 'owner', true, '409 room_archived'],
  ['an owner reads an archived room', 'read', 'public', 'active', 'owner', true, 'allowed'],
  ['an owner unarchives (own) an archived room', 'own', 'private', 'active', 'owner', true, 'allowed'],
  ['an admin manages', 'manage', 'public', 'active', 'admin', false, 'allowed'],
  ['an admin owns', 'own', 'public', 'active', 'admin', false, '403 forbidden_role'],
  ['a member manages', 'manage', 'private', 'active', 'member', false, '403 forbidden_role'],
  ['a member of a dm manages it', 'manage', 'dm', 'active', 'member', false, '403 forbidden_role'],
  ['a viewer owns', 'own', 'public', 'active', 'viewer', false, '403 forbidden_role'],
];

describe('assertAllowed: the permission table', () => {
  describe('spot checks', () => {
    it.each(SPOT_CHECKS)('%s', (_title, permission, roomType, state, role, archived, answer) => {
      expect(outcome(permission, roomType, state, role, archived)).toBe(answer);
    });
  });

  const cases = PERMISSIONS.flatMap((permission) =>
    ROOM_TYPES.flatMap((roomType) =>
      ROW_STATES.flatMap((state) =>
        PARTICIPANT_ROLES.flatMap((role) =>
          [false, true].map((archived) => ({ permission, roomType, state, role, archived })),
        ),
      ),
    ),
  );

  it('covers every permission × room type × row state × role × archive flag', () => {
    expect(cases).toHaveLength(5 * 4 * 5 * 4 * 2);
  });

  it.each(cases)(
    '$permission in a $roomType room (archived: $archived) by a $state $role',
    ({ permission, roomType, state, role, archived }) => {
      expect(outcome(permission, roomType, state, role, archived)).toBe(
        expected(permission, roomType, state, role, archived),
      );
    },
  );

  it('throws errors with the public status, code and a message', () => {
    const access = { room: room('private'), participant: undefined };
    expect(() => assertAllowed(access, 'view')).toThrow(AppError);
    try {
      assertAllowed(access, 'view');
    } catch (error) {
      expect((error as AppError).getResponse()).toEqual({
        statusCode: 404,
        error: 'room_not_found',
        message: expect.any(String),
      });
    }
  });
});

describe('RoomAccessService.require', () => {
  function serviceReturning(rows: unknown[]) {
    const calls: { sql: string; params?: unknown[]; onTx: boolean }[] = [];
    const runner = {
      query: async (sql: string, params?: unknown[]) => {
        calls.push({ sql, params, onTx: false });
        return rows;
      },
    } as unknown as TransactionRunner;
    const tx = {
      query: async (sql: string, params?: unknown[]) => {
        calls.push({ sql, params, onTx: true });
        return rows;
      },
    } as unknown as Tx;
    const bus = new RoomEventBus();
    const cache = new RoomAccessCache(bus);
    return { service: new RoomAccessService(runner, cache), tx, calls, bus };
  }

  const actor = { tenantId: 't1', profileId: 'bob' };

  it('answers 404 room_not_found when the room is not in the actor tenant', async () => {
    const { service, calls } = serviceReturning([]);
    await expect(service.require(actor, room('public').id, 'view')).rejects.toMatchObject({
      code: 'room_not_found',
    });
    expect(calls[0].params).toEqual(['t1', room('public').id, 'bob']);
  });

  it('returns the room and the revived participant row, and applies the permission', async () => {
    const p = { ...participant('active', 'viewer'), joined_at: '2025-01-01T00:00:00.000Z' };
    const { service } = serviceReturning([{ ...room('private'), p }]);
    const access = await service.require(actor, room('private').id, 'read');
    expect(access.room).toEqual(room('private'));
    expect(access.participant).toEqual(participant('active', 'viewer'));
    await expect(service.require(actor, room('private').id, 'post')).rejects.toMatchObject({
      code: 'forbidden_role',
    });
  });

  it('reuses a lookup per actor outside transactions, never inside one', async () => {
    const { service, tx, calls } = serviceReturning([{ ...room('public'), p: null }]);
    const id = room('public').id;
    await service.require(actor, id, 'view');
    await service.require(actor, id, 'view');
    await service.require({ ...actor, profileId: 'carol' }, id, 'view');
    await service.require(actor, id, 'view', tx);
    await service.recheck(actor, id, 'view');
    expect(calls.map((c) => [c.onTx, c.params?.[2]])).toEqual([
      [false, 'bob'],
      [false, 'carol'],
      [true, 'bob'],
      [false, 'bob'],
    ]);
  });

  it.each(['participant.left', 'participant.joined', 'participant.updated', 'room.updated'])(
    'forgets the lookups of a room when a %s event of it is committed here or on another node',
    async (type) => {
      const { service, calls, bus } = serviceReturning([{ ...room('public'), p: null }]);
      const id = room('public').id;
      const event = {
        tenantId: 't1',
        roomId: id,
        seq: 2,
        type,
        data: {},
        createdAt: '',
      } as RoomEvent;
      await service.require(actor, id, 'view');
      bus.publish([event]);
      await service.require(actor, id, 'view');
      bus.receiveFromPeer(event);
      await service.require(actor, id, 'view');
      bus.publish([{ ...event, roomId: '01900000-0000-7000-8000-0000000000ff' }]);
      bus.publish([{ ...event, type: 'message.created' }]);
      await service.require(actor, id, 'view');
      expect(calls).toHaveLength(3);
    },
  );

  it('locks the room row when it runs inside a transaction', async () => {
    const { service, tx, calls } = serviceReturning([{ ...room('public'), p: null }]);
    await service.require(actor, room('public').id, 'view', tx);
    await service.recheck(actor, room('public').id, 'view');
    expect(calls.map((c) => [c.onTx, /FOR UPDATE/.test(c.sql)])).toEqual([
      [true, true],
      [false, false],
    ]);
  });
});
