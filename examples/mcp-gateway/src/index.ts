export { createGatewayServer } from './gateway-server.ts';
export type { GatewayServer, GatewayServerOptions } from './gateway-server.ts';
export { startGateway } from './start.ts';
export type { RunningGateway, StartGatewayOptions } from './start.ts';
