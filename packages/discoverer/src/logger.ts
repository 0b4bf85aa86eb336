import type { Logger } from '@vmcp/core';

/** `@vmcp/core`'s one `Logger` contract, re-exported so that a discoverer's user can name it without another import. */
export type { Logger } from '@vmcp/core';

/** What the discoverer accepts: any part of a `Logger` (it logs at debug, info and warn only). */
export type DiscovererLogger = Partial<Logger>;
