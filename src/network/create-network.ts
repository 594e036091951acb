import type { NetworkSettings } from '../app/config/index.ts';
import { HttpNetwork } from './http-network.ts';
import type { Network } from '../domain/network/network.ts';
import { NetworkSimulator } from './simulator.ts';

/** The network the settings name: the simulator (default) or the HTTP client. */
export function createNetwork(settings: NetworkSettings): Network {
  if (settings.mode === 'http') {
    const { baseUrl, apiToken, timeoutMs, retries } = settings.http;
    if (!baseUrl) throw new Error('NETWORK_BASE_URL is required when NETWORK_MODE=http');
    return new HttpNetwork({ baseUrl, apiToken, timeoutMs, retries });
  }
  return new NetworkSimulator(settings.simulator);
}
