import type { Server } from 'node:http';

/** The TCP port a listening server got (useful after listening on port 0). */
export function listeningPort(server: Server): number {
  const address = server.address();
  if (address && typeof address === 'object') return address.port;
  throw new Error('The server is not listening on a TCP port');
}

/**
 * Stops accepting connections, lets requests in flight finish, and closes each kept-alive
 * connection as soon as it is idle (Node only closes the ones idle at the moment of close()).
 * Connections still busy after `graceMs` are cut.
 */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
