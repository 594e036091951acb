import { z } from 'zod';

// The routes an Express app answers, read from its router stack: each route's method and path
// pattern, and each router mounted under a path prefix (bull-board) as one `USE <prefix>` entry.

export interface AppRoute {
  method: string;
  path: string;
}

const routeLayer = z.object({ route: z.object({ path: z.union([z.string(), z.array(z.string())]), methods: z.record(z.string(), z.boolean()) }) });
const mountedLayer = z.object({ rawPath: z.string() });

export function listRoutes(app: { router: unknown }): AppRoute[] {
  const routes = new Map<string, AppRoute>();
  const walk = (stack: unknown[]) => {
    for (const layer of stack) {
      const route = routeLayer.safeParse(layer);
      if (route.success) {
        const paths = Array.isArray(route.data.route.path) ? route.data.route.path : [route.data.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(route.data.route.methods)) {
            if (on && method !== '_all') routes.set(`${method.toUpperCase()} ${path}`, { method: method.toUpperCase(), path });
          }
        }
        continue;
      }
      const mounted = mountedLayer.safeParse(layer);
      if (mounted.success && mounted.data.rawPath !== '/') {
        routes.set(`USE ${mounted.data.rawPath}`, { method: 'USE', path: mounted.data.rawPath });
        continue;
      }
      const handle = typeof layer === 'object' && layer !== null ? Reflect.get(layer, 'handle') : undefined;
      const nested = stackOf(handle);
      if (nested) walk(nested);
    }
  };
  const root = stackOf(app.router);
  if (!root) throw new Error('The app has no router stack (not an Express 5 app?)');
  walk(root);
  return [...routes.values()];
}

/** A router's layers (Express routers are functions with a `stack`). */
function stackOf(router: unknown): unknown[] | undefined {
  if ((typeof router !== 'function' && typeof router !== 'object') || router === null) return undefined;
  const stack: unknown = Reflect.get(router, 'stack');
  return Array.isArray(stack) ? stack : undefined;
}
