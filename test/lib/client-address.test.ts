import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config/index.ts';
import { clientAddress, parseTrustedProxies, proxyTrust, type TrustedProxies } from '../../src/lib/client-address.ts';

// Which address a request is counted under: the socket's unless a trusted proxy forwarded one.

/** A request as it arrives from `socketAddress`, with an X-Forwarded-For header. */
function request(socketAddress: string, forwardedFor?: string): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: socketAddress });
  const req = new IncomingMessage(socket);
  if (forwardedFor !== undefined) req.headers['x-forwarded-for'] = forwardedFor;
  return req;
}

function addressOf(trusted: TrustedProxies, socketAddress: string, forwardedFor?: string): string {
  return clientAddress(request(socketAddress, forwardedFor), proxyTrust(trusted));
}

describe('clientAddress', () => {
  it('takes the socket address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(addressOf({ hops: 0 }, '192.0.2.10', '203.0.113.99')).toBe('192.0.2.10');
    expect(addressOf({ hops: 0 }, '192.0.2.10', '1.1.1.1, 2.2.2.2')).toBe('192.0.2.10');
    expect(addressOf({ hops: 0 }, '192.0.2.10')).toBe('192.0.2.10');
  });

  it('with one trusted hop takes the right-most forwarded address (the one the proxy appended)', () => {
    expect(addressOf({ hops: 1 }, '10.0.0.2', 'forged, 203.0.113.7')).toBe('203.0.113.7');
    expect(addressOf({ hops: 1 }, '10.0.0.2', '203.0.113.7')).toBe('203.0.113.7');
    expect(addressOf({ hops: 1 }, '10.0.0.2')).toBe('10.0.0.2');
    expect(addressOf({ hops: 2 }, '10.0.0.2', 'forged, 203.0.113.7, 10.0.0.1')).toBe('203.0.113.7');
  });

  it('with trusted subnets walks back through the proxies only', () => {
    const proxies = { subnets: ['10.0.0.0/8', '127.0.0.1/32'] };
    expect(addressOf(proxies, '10.0.0.2', 'forged, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    // A client that is not a proxy cannot name anyone else.
    expect(addressOf(proxies, '198.51.100.4', '203.0.113.7')).toBe('198.51.100.4');
    // An IPv4 client on a dual-stack socket.
    expect(addressOf(proxies, '::ffff:127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    // Everything trusted: the left-most address is all there is.
    expect(addressOf(proxies, '10.0.0.2', '10.0.0.3')).toBe('10.0.0.3');
  });
});

describe('parseTrustedProxies', () => {
  it.each([
    ['none', { hops: 0 }],
    ['0', { hops: 0 }],
    ['false', { hops: 0 }],
    ['2', { hops: 2 }],
    ['10.0.0.1', { subnets: ['10.0.0.1/32'] }],
    ['10.0.0.0/8, 2001:db8::/32', { subnets: ['10.0.0.0/8', '2001:db8::/32'] }],
    ['192.168.0.0/255.255.0.0', { subnets: ['192.168.0.0/16'] }],
    ['loopback', { subnets: ['127.0.0.1/8', '::1/128'] }],
  ])('reads %s', (text, trusted) => {
    expect(parseTrustedProxies(text)).toEqual({ trusted });
  });

  it.each(['true', '-1', '99', '10.0.0.0/33', 'proxy.example.com', '10.0.0.0/255.0.255.0', ' , '])('refuses %s', (text) => {
    expect(parseTrustedProxies(text)).toHaveProperty('problems');
  });
});

describe('TRUST_PROXY and the new limits in the configuration', () => {
  it('defaults to no trusted proxy, no metrics token and a cap on new web chats', () => {
    const config = loadConfig({});
    expect(config.http.trustedProxies).toEqual({ hops: 0 });
    expect(config.http.metricsToken).toBeUndefined();
    expect(config.http.https).toBe(false);
    expect(config.webchat.newConversationsPerIp).toBe(100);
  });

  it('reads a hop count and a list, and lists a bad value with every other problem', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).http.trustedProxies).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: 'uniquelocal' }).http.trustedProxies).toEqual({ subnets: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] });
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://bot.example.com' }).http.https).toBe(true);
    try {
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, lb.internal', METRICS_TOKEN: 'short', WEBCHAT_NEW_CONVERSATIONS_PER_IP: '0', PORT: 'eighty' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = error instanceof Error ? error.message : '';
      expect(message).toMatch(/TRUST_PROXY: "lb.internal" is not an IP address/);
      for (const field of ['METRICS_TOKEN', 'WEBCHAT_NEW_CONVERSATIONS_PER_IP', 'PORT']) expect(message).toContain(field);
    }
  });
});
