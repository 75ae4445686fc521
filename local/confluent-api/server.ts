/**
 * A local double of the Confluent Cloud APIs this stack uses, on one loopback port: point the confluent
 * provider's `endpoint` at `url`; Kafka REST, Schema Registry and Flink endpoints come back in its answers.
 *   node bin/run.js local/confluent-api/server.ts        starts one and prints its URL (Ctrl-C stops it)
 * Unknown routes answer 404 and are logged with method and path, so a provider that calls something new is loud.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseCommandLine, runScript } from "../../lib/command-line";
import { sleep } from "../../lib/run";
import { ApiError } from "./errors";
import {
  type ERROR_STATUSES,
  FAULT_ENV,
  FaultPlan,
  type FaultRule,
  type FaultSettings,
  faultAnswer,
  faultSettingsFromEnv,
  formatFaultRules,
  parseFaultRules,
  parseSeed,
  randomSeed,
} from "./faults";
import { advanceAll } from "./flink-statements";
import { type Answer, errorAnswer, match } from "./http";
import { attachObservedEngines, type ObservedEngines } from "./observed-engines";
import { seedOrganization } from "./org";
import { ROUTES } from "./routes";
import { followStatements } from "./statement-health";
import { type Engines, Store } from "./store";

export interface ConfluentDouble {
  url: string;
  store: Store;
  /** `METHOD path` of every call no route answered. */
  unknownCalls: string[];
  /** The API faults it injects now (faults.ts), with their counts; undefined: none. */
  faults?: FaultPlan;
  /** Starts injecting these faults (counts start at 0), or stops with undefined; logs the rules and the seed. */
  setFaults(settings: FaultSettings | undefined): FaultPlan | undefined;
  close(): Promise<void>;
}

export interface DoubleOptions {
  /** Where to log unknown routes and server errors. @default stderr */
  log?: (line: string) => void;
  /** Real engines the double drives (local/confluent-api/engines.ts); without them it answers from memory. */
  engines?: Engines;
  /** What it reads from those engines for status and metrics (observed-engines.ts). */
  observed?: ObservedEngines;
  /** API faults to inject from the start (faults.ts); setFaults changes them later. */
  faults?: FaultSettings;
}

function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic (.+)$/.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1], "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
  }
}

/**
 * Cloud API calls need the Cloud API key (any pair: the double keeps no accounts); data planes check their own keys.
 */
const CLOUD_PREFIXES = ["/org/", "/cmk/", "/srcm/", "/fcpm/", "/iam/", "/connect/"];

async function answer(
  store: Store,
  req: IncomingMessage,
  text: string,
  unknown: (call: string) => void,
): Promise<Answer> {
  const url = new URL(req.url ?? "/", "http://double");
  const method = req.method ?? "GET";
  const found = match(ROUTES, method, url.pathname);
  if (!found) {
    unknown(`${method} ${url.pathname}`);
    return errorAnswer(
      new ApiError(404, "resource_not_found", `The local Confluent API double has no route ${method} ${url.pathname}`),
    );
  }
  await store.count(found.route.label, method);
  const auth = basicAuth(req.headers.authorization);
  try {
    if (CLOUD_PREFIXES.some((p) => url.pathname.startsWith(p)) && !auth)
      throw new ApiError(401, "unauthorized", "Unauthorized");
    const body = parseBody(text);
    return await found.route.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      body: body ?? {},
      auth,
      params: found.params,
      store,
    });
  } catch (e) {
    if (e instanceof ApiError) return errorAnswer(e);
    throw e;
  }
}

/**
 * Acts on a fault before the route runs: true when the call is answered (or its connection reset) and the route must
 * not run. A lost answer is acted on after the route ran (the server's request handler).
 */
async function injectBeforeRoute(
  fault: FaultRule | undefined,
  plan: FaultPlan,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (!fault) return false;
  if (fault.kind === "slow") {
    await sleep(fault.delayMs ?? 0);
    return false;
  }
  if (fault.kind === "lost") return false;
  if (fault.kind === "reset") {
    // A TCP RST before any byte of an answer, as a load balancer dropping the connection does.
    req.socket.resetAndDestroy();
    return true;
  }
  const status = Number(fault.kind) as (typeof ERROR_STATUSES)[number];
  const a = faultAnswer(status, new URL(req.url ?? "/", "http://double").pathname, plan.settings.retryAfterSeconds);
  res.writeHead(a.status, { ...a.headers, "Content-Type": "application/json" }).end(JSON.stringify(a.body));
  return true;
}

function send(res: ServerResponse, a: Answer): void {
  if (a.body === undefined) {
    res.writeHead(a.status).end();
    return;
  }
  if (a.contentType) {
    res.writeHead(a.status, { "Content-Type": a.contentType }).end(String(a.body));
    return;
  }
  res.writeHead(a.status, { "Content-Type": "application/json" }).end(JSON.stringify(a.body));
}

export async function startConfluentDouble(options: DoubleOptions = {}): Promise<ConfluentDouble> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[confluent-api] ${line}\n`));
  const unknownCalls: string[] = [];
  // Requests are answered once the store exists; it needs the server's URL, known once the server listens.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = new Store(url);
  store.engines = options.engines;
  const double: ConfluentDouble = {
    url,
    store,
    unknownCalls,
    setFaults: (settings) => {
      double.faults = settings && new FaultPlan(settings);
      if (settings) log(`injecting API faults ${formatFaultRules(settings.rules)} with seed ${settings.seed}`);
      return double.faults;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        clearInterval(follower);
        server.close((e) => (e ? reject(e) : resolve()));
        // The provider keeps connections alive; close them so the port is released now.
        server.closeAllConnections();
      }),
  };
  double.setFaults(options.faults);
  server.on("request", async (req, res) => {
    // The body is read first: a fault comes after the request arrived, and a retry is known by its body too.
    let text: string;
    try {
      text = await readText(req);
    } catch (e) {
      log(`reading ${req.method} ${req.url}: ${(e as Error).message}`);
      return;
    }
    const plan = double.faults;
    const fault = plan?.decide(req.method ?? "GET", new URL(req.url ?? "/", "http://double").pathname, text);
    if (plan && (await injectBeforeRoute(fault, plan, req, res))) return;
    answer(store, req, text, (call) => {
      unknownCalls.push(call);
      log(`no route for ${call}: answered 404`);
    }).then(
      // A lost answer: the call had its effect, the client sees a reset connection.
      (a) => (fault?.kind === "lost" ? req.socket.resetAndDestroy() : send(res, a)),
      (e) => {
        log(`error answering ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
        send(res, {
          status: 500,
          body: { errors: [{ status: "500", code: "internal", detail: String((e as Error).message) }] },
        });
      },
    );
  });
  if (options.observed) attachObservedEngines(store, options.observed);
  const ticker = options.engines ? setInterval(() => advanceAll(store), 250) : undefined;
  // Running statements follow their jobs (statement-health.ts); one look at a time.
  let following = false;
  const follower = options.observed
    ? setInterval(() => {
        if (following) return;
        following = true;
        followStatements(store)
          .catch((e: Error) => log(`following the statements' jobs: ${e.message}`))
          .finally(() => (following = false));
      }, 1000)
    : undefined;
  seedOrganization(store);
  return double;
}

const USAGE = `usage: node bin/run.js local/confluent-api/server.ts [--faults '<rules>'] [--fault-seed <n>]

Starts the local Confluent Cloud API double on a free loopback port and prints its URL (the confluent provider's
endpoint); Ctrl-C stops it and prints the faults it injected.
  --faults      API faults to inject, e.g. '429@20%' or '503@10% POST /iam/**; reset@5%' (local/confluent-api/faults.ts;
                default: ${FAULT_ENV.rules})
  --fault-seed  the seed of the fault draws, to replay a run (default: ${FAULT_ENV.seed}, else a random one, printed)`;

/** The CLI's fault settings: its options, else the environment's (FAULT_ENV). */
function cliFaults(faults: string | undefined, seed: string | undefined): FaultSettings | undefined {
  if (faults === undefined)
    return faultSettingsFromEnv(seed === undefined ? process.env : { ...process.env, [FAULT_ENV.seed]: seed });
  const rules = parseFaultRules(faults);
  if (rules.length === 0) return undefined;
  return { rules, seed: parseSeed(seed ?? process.env[FAULT_ENV.seed], "--fault-seed") ?? randomSeed() };
}

if (require.main === module) {
  void runScript(USAGE, async (args) => {
    const { values: options } = parseCommandLine(args, {
      faults: { type: "string" },
      "fault-seed": { type: "string" },
    });
    const d = await startConfluentDouble({ faults: cliFaults(options.faults, options["fault-seed"]) });
    console.log(`local Confluent Cloud API double at ${d.url} (provider endpoint = "${d.url}"); Ctrl-C stops it`);
    process.once("SIGINT", () => {
      if (d.faults) console.log(d.faults.summary());
      void d.close().then(() => process.exit(0));
    });
  });
}
