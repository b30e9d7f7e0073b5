import { AppError } from '../common/errors/app-error';

export const AgentErrors = {
  agentNotFound: () => new AppError(404, 'agent_not_found', 'No agent with this id is registered'),
  toolNotAvailable: (name: string) =>
    new AppError(
      400,
      'tool_not_available',
      `The agent does not declare the tool ${JSON.stringify(name)}`,
    ),
  sessionNotFound: () => new AppError(404, 'session_not_found', 'Agent session not found'),
  sessionInactive: () =>
    new AppError(409, 'session_inactive', 'The agent session is closed, expired or out of budget'),
};
