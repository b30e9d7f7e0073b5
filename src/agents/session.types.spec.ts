import { inactiveReason, readAllowedTools, SessionRow, toSessionView } from './session.types';

const NOW = new Date('2030-01-01T12:00:00.000Z');

function row(fields: Partial<SessionRow> = {}): SessionRow {
  return {
    tenant_id: 't1',
    id: 's1',
    agent_id: 'echo',
    participant_profile_id: 'alice',
    chat_room_id: 'r1',
    session_key: null,
    status: 'active',
    allowed_tools: [],
    system_prompt: null,
    message_count: 0,
    total_tokens_used: '0',
    max_tokens: '0',
    max_messages: 0,
    last_message_at: null,
    expires_at: null,
    closed_at: null,
    created_at: new Date('2030-01-01T00:00:00.000Z'),
    ...fields,
  };
}

describe('session budgets and status', () => {
  it.each([
    ['a fresh session', {}, null],
    [
      'unlimited budgets with heavy use',
      { message_count: 10_000, total_tokens_used: '9999999' },
      null,
    ],
    ['one message under the budget', { max_messages: 3, message_count: 2 }, null],
    ['at the message budget', { max_messages: 3, message_count: 3 }, 'message_budget'],
    ['one token under the budget', { max_tokens: '500', total_tokens_used: '499' }, null],
    ['at the token budget', { max_tokens: '500', total_tokens_used: '500' }, 'token_budget'],
    ['past the token budget', { max_tokens: '500', total_tokens_used: '650' }, 'token_budget'],
    ['before its expiry', { expires_at: new Date(NOW.getTime() + 1) }, null],
    ['at its expiry', { expires_at: NOW }, 'expired'],
    ['stored as expired', { status: 'expired' as const }, 'expired'],
    ['closed', { status: 'closed' as const }, 'closed'],
    [
      'closed at a budget',
      { status: 'closed' as const, max_messages: 1, message_count: 1 },
      'closed',
    ],
    [
      'at a budget and past its expiry',
      { status: 'expired' as const, max_messages: 1, message_count: 1, expires_at: NOW },
      'message_budget',
    ],
  ])('%s', (_label, fields, reason) => {
    const session = row(fields as Partial<SessionRow>);
    expect(inactiveReason(session, NOW)).toBe(reason);
    const view = toSessionView(session, NOW);
    expect(view.isActive).toBe(reason === null);
    expect(view.inactiveReason).toBe(reason);
    if (reason !== null && reason !== 'closed') expect(view.status).toBe('expired');
  });

  it('has no field for the agent memory in the view', () => {
    const view = toSessionView(
      { ...row(), session_context: { secret: 1 } } as unknown as SessionRow,
      NOW,
    );
    expect(Object.keys(view)).toEqual([
      'id',
      'agentId',
      'participantProfileId',
      'chatRoomId',
      'status',
      'isActive',
      'inactiveReason',
      'allowedTools',
      'systemPrompt',
      'messageCount',
      'totalTokensUsed',
      'maxTokens',
      'maxMessages',
      'lastMessageAt',
      'expiresAt',
      'closedAt',
      'createdAt',
    ]);
    expect(JSON.stringify(view)).not.toContain('secret');
  });

  it('shows an unreadable tool list as no tools', () => {
    expect(toSessionView(row({ allowed_tools: 'clock.now' }), NOW).allowedTools).toEqual([]);
    expect(readAllowedTools(['a', 'b'])).toEqual(['a', 'b']);
    expect(readAllowedTools(['a', 2])).toBeNull();
    expect(readAllowedTools({ 0: 'a' })).toBeNull();
  });
});
