import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../events/transaction-runner';
import { MessageRole, MessageType } from '../../messages/message.types';
import { AgentMessage } from './agent.types';
import { TURN_LIMITS, TurnLimits } from './turn-limits';

interface HistoryRow {
  role: MessageRole;
  message_type: MessageType;
  content: string;
  tool_call_data: Record<string, unknown> | null;
}

/** The session's stored conversation as the agent sees it: oldest first, the newest ones kept. */
@Injectable()
export class TurnHistory {
  constructor(
    private readonly db: TransactionRunner,
    @Inject(TURN_LIMITS) private readonly limits: TurnLimits,
  ) {}

  /** Up to the message that started the turn: a later message starts its own turn. */
  async load(tenantId: string, sessionId: string, uptoSeq: number): Promise<AgentMessage[]> {
    const rows = await this.db.query<HistoryRow>(
      `SELECT role, message_type, content, tool_call_data FROM chat_messages
        WHERE tenant_id = $1 AND agent_session_id = $2 AND seq <= $3 AND NOT is_deleted
        ORDER BY seq DESC LIMIT $4`,
      [tenantId, sessionId, uptoSeq, this.limits.historyMessages],
    );
    return rows.reverse().flatMap(toAgentMessage);
  }
}

function toAgentMessage(row: HistoryRow): AgentMessage[] {
  const data = row.tool_call_data ?? {};
  const name = typeof data.name === 'string' ? data.name : undefined;
  const callId = typeof data.callId === 'string' ? data.callId : undefined;
  switch (row.role) {
    case 'user':
      return [{ role: 'user', content: row.content }];
    case 'assistant':
      if (row.message_type !== 'tool_call') return [{ role: 'assistant', content: row.content }];
      return name && callId
        ? [
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ callId, name, input: data.input ?? null }],
            },
          ]
        : [];
    case 'tool':
      return name && callId
        ? [{ role: 'tool', callId, name, content: row.content, isError: 'error' in data }]
        : [];
    default:
      return [];
  }
}
