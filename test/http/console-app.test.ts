import express from 'express';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAppRoutes } from '../../src/http/console/console-app.routes.ts';
import { notFoundHandler } from '../../src/http/error-handler.ts';
import { listeningPort } from '../../src/lib/net.ts';

// Serving the console's built app: files, index.html for the app's own paths, a clear 503 when
// it has not been built, and never HTML for an unknown API path.

let built: string;
let servers: Server[] = [];

async function serve(distDir: string): Promise<string> {
  const app = express();
  app.use(consoleAppRoutes(distDir));
  app.use(notFoundHandler);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${listeningPort(server)}`;
}

beforeAll(async () => {
  built = await mkdtemp(path.join(tmpdir(), 'console-dist-'));
  await mkdir(path.join(built, 'assets'));
  await writeFile(path.join(built, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
  await rm(built, { recursive: true, force: true });
});

describe('the console app', () => {
  it('serves index.html for /console and every screen path, and the hashed files for a year', async () => {
    const base = await serve(built);
    for (const page of ['/console', '/console/', '/console/customers/42']) {
      const response = await fetch(`${base}${page}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${base}/console/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000, immutable/);
    expect((await fetch(`${base}/console/assets/missing.js`)).status).toBe(404);
  });

  it('answers an unknown /console/api path with the JSON 404, not the page', async () => {
    const base = await serve(built);
    const response = await fetch(`${base}/console/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('says how to build it when it has not been built', async () => {
    const base = await serve(path.join(built, 'not-built'));
    const response = await fetch(`${base}/console`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/npm run console:build/);
  });
});
