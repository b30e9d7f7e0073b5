/** Who acts: both values come from the verified token and nowhere else. */
export interface Actor {
  tenantId: string;
  profileId: string;
}

/** A verified token: the actor and when the token stops being valid (seconds since the epoch). */
export interface VerifiedToken {
  actor: Actor;
  expiresAt?: number;
}

export const AGENT_PROFILE_PREFIX = 'agent:';
