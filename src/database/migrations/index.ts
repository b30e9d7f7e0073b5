import { Foundation1764086400000 } from './1764086400000-foundation';
import { Messages1764172800000 } from './1764172800000-messages';
import { AgentSessions1764259200000 } from './1764259200000-agent-sessions';

/** Reviewed migrations, in order. Listed explicitly so the app, the CLI and the tests run the same set. */
export const migrations = [
  Foundation1764086400000,
  Messages1764172800000,
  AgentSessions1764259200000,
];
