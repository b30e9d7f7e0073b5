import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'parley:isPublic';

/** Opts a route out of the global JWT guard. Only `/health` and the docs use it. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
