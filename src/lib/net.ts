import type { Server } from 'node:http';

/** The TCP port a listening server got (useful after listening on port 0). */
export function listeningPort(server: Server): number {
  const address = server.address();
  if (address && typeof address === 'object') return address.port;
  throw new Error('The server is not listening on a TCP port');
}

/** Closes a server and its idle keep-alive connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
