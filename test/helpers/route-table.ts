// Lists every route the Express app serves (method + path pattern) by walking its router stack.
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  /** The path pattern as declared, with mount prefixes, e.g. /szkolenia/:courseId/test/:attemptId. */
  path: string;
}

interface StackLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
}

function joinPath(prefix: string, rawPath: unknown): string {
  const part = typeof rawPath === 'string' ? rawPath : Array.isArray(rawPath) && typeof rawPath[0] === 'string' ? rawPath[0] : '';
  return `${prefix}/${part}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

/** A route declared with several paths (e.g. the Polish one and the older English one) answers on each of them. */
function pathsOf(rawPath: unknown): unknown[] {
  return Array.isArray(rawPath) ? rawPath : [rawPath];
}

function walk(stack: StackLayer[], prefix: string, into: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const rawPath of pathsOf(layer.route.path)) {
        const path = joinPath(prefix, rawPath);
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') into.push({ method: method.toUpperCase(), path });
      }
    } else if (layer.handle?.stack) {
      // A mounted router: its routes live under the mount path.
      walk(layer.handle.stack, joinPath(prefix, layer.rawPath), into);
    }
  }
}

/** Every route of `app`, in declaration order, without duplicates. */
export function routeTable(app: Express): RouteEntry[] {
  const routes: RouteEntry[] = [];
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '', routes);
  const seen = new Set<string>();
  return routes.filter((route) => {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
