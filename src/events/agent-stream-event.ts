/** Ephemeral agent output, never stored: fanned out to the agent room's subscribers only. */
export type AgentStreamEvent =
  | {
      kind: 'agent.delta';
      tenantId: string;
      roomId: string;
      payload: { sessionId: string; turnId: string; index: number; text: string };
    }
  | {
      kind: 'agent.turn';
      tenantId: string;
      roomId: string;
      payload: {
        sessionId: string;
        turnId: string;
        status: 'started' | 'completed' | 'failed';
        error?: string;
      };
    };
