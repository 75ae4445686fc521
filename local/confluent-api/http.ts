/**
 * Request context, route matching and the JSON answer for the double's route table.
 */

import type { Json } from "../../lib/json";
import type { ApiError } from "./errors";
import type { Store } from "./store";

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body; {} when there is none. */
  body: Json;
  /** Basic credentials, if sent. */
  auth?: { user: string; password: string };
  params: Record<string, string>;
  store: Store;
}

export interface Answer {
  status: number;
  /** JSON, or text when contentType says so. */
  body?: unknown;
  /** @default application/json */
  contentType?: string;
}

/** Handlers that drive engines (store.engines) answer once the engine has; the rest answer at once. */
export type Handler = (req: Request) => Answer | Promise<Answer>;

export interface Route {
  method: string;
  /** Path pattern; `{name}` matches one path segment. */
  pattern: string;
  /** Resource type or data source the call serves (how a plan's cost is reported). */
  label: string;
  handler: Handler;
  regex: RegExp;
  names: string[];
}

export function route(method: string, pattern: string, label: string, handler: Handler): Route {
  const names: string[] = [];
  const source = pattern
    .split(/(\{[a-z_]+\})/i)
    .map((part) => {
      const m = /^\{([a-z_]+)\}$/i.exec(part);
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(m[1]);
      return "([^/]+)";
    })
    .join("");
  return { method, pattern, label, handler, regex: new RegExp(`^${source}$`), names };
}

export function match(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (m) return { route: r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

export const ok = (body?: unknown, status = 200): Answer => ({ status, body });
export const noContent = (): Answer => ({ status: 204 });

/** Answers an error as the API family it belongs to. */
export function errorAnswer(e: ApiError): Answer {
  return { status: e.status, body: e.body() };
}
