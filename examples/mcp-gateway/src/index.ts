export { startGateway, serveGateway } from './start.ts';
export type { RunningGateway, StartGatewayOptions, ServeOptions } from './start.ts';
export { startFeedGateway } from './feed.ts';
export type { RunningFeedGateway, StartFeedGatewayOptions } from './feed.ts';
