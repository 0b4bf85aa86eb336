export { startGateway } from './start.ts';
export type { RunningGateway, StartGatewayOptions } from './start.ts';
