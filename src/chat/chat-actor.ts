import { Actor, AGENT_PROFILE_PREFIX } from '../auth/actor';
import { CommonErrors } from '../common/errors/app-error';
import { isOpaqueId } from '../common/ids';

/** Every facade call names its actor explicitly; the facade trusts the host app for who it is. */
export interface ActorRef {
  tenantId: string;
  actorProfileId: string;
}

/** The same rules as a token's claims: opaque ids, and no acting as an agent. */
export function toActor({ tenantId, actorProfileId }: ActorRef): Actor {
  if (!isOpaqueId(tenantId) || !isOpaqueId(actorProfileId)) {
    throw CommonErrors.validation(['tenantId and actorProfileId must be 1-128 characters']);
  }
  if (actorProfileId.startsWith(AGENT_PROFILE_PREFIX)) {
    throw CommonErrors.validation(['agent: profiles cannot act through the facade']);
  }
  return { tenantId, profileId: actorProfileId };
}
