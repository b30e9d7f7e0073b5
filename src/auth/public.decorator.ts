import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'parley:isPublic';

/**
 * Opts a route out of the global JWT guard. Used by `/health` and by the realtime gateway, which
 * authenticates each socket in its handshake instead. The docs are served outside Nest routing.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
