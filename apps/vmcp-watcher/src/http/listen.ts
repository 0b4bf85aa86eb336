/** Binding a server to its address, with one log line saying which port serves what. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../config/parsers.ts';
import type { Logger } from '../observe/logger.ts';

/** Listens; resolves with the bound address, rejects with the bind error (EADDRINUSE, EACCES…). */
export function listen(server: http.Server, address: ListenAddress, name: string, logger: Logger): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port: address.port, ...(address.host !== undefined ? { host: address.host } : {}) }, () => {
      server.off('error', onError);
      const bound = server.address() as AddressInfo;
      logger.info('listening', { listener: name, address: bound.address, port: bound.port });
      resolve(bound);
    });
  });
}

/** Stops accepting, closes idle keep-alive sockets; resolves once every connection is gone. */
export function closeServer(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
  server.closeIdleConnections();
  return closed;
}
