/**
 * Killed applies (issue 29, part 2): `terraform apply` of dev, real confluent provider against the local Confluent
 * Cloud API double driving real engines, killed with SIGKILL (terraform and its provider processes, as a CI runner
 * dying takes them) at a seeded call, then brought back as docs/runbooks/interrupted-apply.md says: force-unlock
 * the lock the dead terraform left, re-run, and where the re-run cannot converge by itself, the recovery steps
 * (offline/interrupted-apply.ts: import an orphan, delete a duplicate). Each trial then checks: the re-run
 * converged, the next plan is empty, every object in the double is in the state, no statement was created twice
 * or without its carry-over, and the example consumers got every routed event exactly once.
 * Trials alternate between a full dev deploy (from empty) and the filter change with carry-over (loan-created v2);
 * a cycle destroys the stage after its two trials.
 *   npm run bench:faults:killed [-- --trials 20 --seed 29]
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { consumerGroup } from "../../access/grants";
import { type RunningConsumer, startRoutedConsumer } from "../../consumers/consumer";
import type { RawEvent } from "../../filters/evaluate";
import { topicsByConsumer } from "../../filters/topic-scopes";
import { parseCommandLine, runScript } from "../../lib/command-line";
import { UsageError } from "../../lib/errors";
import type { Json } from "../../lib/json";
import { runEntryPoint, signalGroup, sleep } from "../../lib/run";
import { seededRandom } from "../../lib/seeded-random";
import { CARRY_OVER } from "../../local/confluent-api/flink-statements";
import { inventory } from "../../local/confluent-api/inventory";
import { TemporaryDirs } from "../../local/processes";
import { stateValues } from "../../offline/base-apply";
import {
  heldLockId,
  importEnvironment,
  orphans,
  type RecoveryStep,
  recoverySteps,
  stateResources,
  stepLine,
} from "../../offline/interrupted-apply";
import {
  type ConsumerTally,
  expectedByConsumer,
  insertRows,
  type LocalConfluent,
  sampleRows,
  startLocalConfluent,
  tally,
  tallyLine,
  terraformCliConfig,
} from "../../offline/local-deploy";
import { probeOrphans, probes } from "../../offline/orphan-probe";
import { LOCAL_CONFLUENT_ENV, SENSITIVE_VARIABLES } from "../../offline/stack-for-double";
import { synthesize } from "../../offline/stack-on-double";
import { mirrorDir, terraformErrors } from "../../providers/mirror";
import { machineLine } from "../stats";
import { killPoint, killWithWholeState, trialSeed } from "./kill-points";
import { type FaultRow, faultTable } from "./report";

export type TrialKind = "deploy" | "change";
/** A call number, or the double's creation of a new Flink statement (answered after terraform died). */
export type KillAt = number | "statement create";

export interface TrialResult {
  kind: TrialKind;
  seed: number;
  /**
   * The change call (POST, PUT, PATCH, DELETE) the double killed terraform at, of `calls` an uninterrupted apply makes,
   * or the event it killed at.
   */
  killAt: KillAt;
  calls: number;
  /** False when the apply finished before its kill point. */
  killed: boolean;
  recoverySeconds: number;
  /** What recovery took beyond the re-run: force-unlock, imports, deletions. */
  steps: string[];
  /** Broken promises: a plan not empty, an orphan left, a statement created twice or without carry-over. */
  problems: string[];
  tallies: ConsumerTally[];
}

export interface KilledApplyOptions {
  /** Kills at seeded calls, alternating deploy and change. @default 20 */
  trials?: number;
  /** Changes killed at the new statement's create, after the seeded trials. @default 2 */
  statementKills?: number;
  seed?: number;
  say?: (line: string) => void;
  /** Engines' own progress lines. */
  progress?: (line: string) => void;
}

const LOCK_FILE = ".terraform.tfstate.lock.info";
/** The configuration for the double has no backend (configForDouble): terraform's default local state. */
const STATE_FILE = "terraform.tfstate";

interface Terraform {
  code: number;
  output: string;
  killed: boolean;
}

/** The stage under trial: its two configurations, terraform in one working directory, the double's hooks. */
class Bench {
  private child?: ChildProcess;
  private onCall?: (event: "call" | "statement create") => Promise<void> | undefined;
  /** Statements the double created, in order: name and the statement it carries offsets over from. */
  readonly created: { name: string; carryOverFrom?: string }[] = [];
  readonly baseline: Set<string>;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly local: LocalConfluent,
    readonly dir: string,
    readonly configs: Record<"v1" | "v2", string>,
  ) {
    const store = local.double.store;
    this.baseline = new Set(inventory(store).map((e) => e.id));
    store.onCall = async (label, method) => {
      // Kill points are drawn among the calls that change something: their number is the same in every apply of
      // one change, where the provider's polls (GETs until a state is reached) vary with the engines' pace, so a
      // point drawn among all calls could lie beyond the end of a quicker apply.
      if (method === "GET") return;
      await this.onCall?.("call");
      if (label === "confluent_flink_statement" && method === "POST") await this.onCall?.("statement create");
    };
    const set = store.statements.set.bind(store.statements);
    store.statements.set = (key, s) => {
      if (!store.statements.has(key))
        this.created.push({ name: s.name, carryOverFrom: s.spec.properties?.[CARRY_OVER] });
      return set(key, s);
    };
    const cliConfig = join(dir, "terraform.rc");
    writeFileSync(cliConfig, terraformCliConfig(mirrorDir()));
    // Provider plugins put their sockets in TMPDIR and a killed apply never removes them: they go with this
    // directory instead of staying in the system temp dir.
    const pluginSockets = join(dir, "tmp");
    mkdirSync(pluginSockets, { recursive: true });
    // Throwaway values: the double accepts any Cloud API key.
    this.env = {
      ...process.env,
      ...Object.fromEntries(SENSITIVE_VARIABLES.map((v) => [`TF_VAR_${v}`, randomBytes(12).toString("hex")])),
      [LOCAL_CONFLUENT_ENV]: local.double.url,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_ACC: "1",
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TMPDIR: pluginSockets,
    };
  }

  use(version: "v1" | "v2"): Json {
    writeFileSync(join(this.dir, "cdk.tf.json"), this.configs[version]);
    return JSON.parse(this.configs[version]);
  }

  /**
   * terraform in its own process group; killAt: SIGKILL to the group when that call arrives, its state file whole
   * (killWithWholeState); the double runs the call's route after the kill, so the object is made and its answer lost.
   */
  terraform(
    args: string[],
    o: { killAt?: KillAt; env?: NodeJS.ProcessEnv } = {},
  ): Promise<Terraform & { calls: number }> {
    let calls = 0;
    let killed = false;
    return new Promise((resolve) => {
      const child = spawn("terraform", [...args, "-no-color"], {
        cwd: this.dir,
        env: { ...this.env, ...o.env },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.child = child;
      this.onCall = (event) => {
        if (event === "call") calls += 1;
        const at = event === "call" ? calls : event;
        if (at !== o.killAt || killed || child.pid === undefined) return undefined;
        killed = true;
        return killWithWholeState(child.pid, join(this.dir, STATE_FILE));
      };
      let output = "";
      child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
      child.once("exit", () => {
        // A provider process terraform left behind.
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      });
      child.once("close", (code) => {
        this.onCall = undefined;
        this.child = undefined;
        resolve({ code: code ?? 137, output, killed, calls });
      });
    });
  }

  apply(killAt?: KillAt) {
    return this.terraform(["apply", "-input=false", "-auto-approve"], { killAt });
  }

  async state(): Promise<Json> {
    const r = await this.terraform(["show", "-json"]);
    if (r.code !== 0) throw new Error(`terraform show failed:\n${r.output}`);
    return JSON.parse(r.output.slice(r.output.indexOf("{")));
  }

  async orphansNow(config: Json) {
    const shown = await this.state();
    const state = stateResources(shown);
    const found = orphans(inventory(this.local.double.store), state, this.baseline);
    const values = stateValues(shown);
    return { found, state, values, steps: recoverySteps(found, config, state, values) };
  }

  /** A deletion as `confluent <object> delete` makes it: the Cloud API's DELETE (any key pair on the double). */
  async remove(step: RecoveryStep & { kind: "delete" }): Promise<void> {
    const store = this.local.double.store;
    const { type, id } = step.orphan;
    const inEnv = (o: Json | undefined) => `?environment=${o?.spec?.environment?.id}`;
    const path: Record<string, string> = {
      confluent_api_key: `/iam/v2/api-keys/${id}`,
      confluent_role_binding: `/iam/v2/role-bindings/${id}`,
      confluent_service_account: `/iam/v2/service-accounts/${id}`,
      confluent_environment: `/org/v2/environments/${id}`,
      confluent_kafka_cluster: `/cmk/v2/clusters/${id}${inEnv(store.kafkaClusters.get(id))}`,
      confluent_flink_compute_pool: `/fcpm/v2/compute-pools/${id}${inEnv(store.computePools.get(id))}`,
    };
    if (!path[type]) throw new Error(`no deletion of a ${type} orphan here: ${stepLine(step)}`);
    const auth = Buffer.from(`${randomBytes(6).toString("hex")}:${randomBytes(12).toString("hex")}`).toString("base64");
    const r = await fetch(`${this.local.double.url}${path[type]}`, {
      method: "DELETE",
      headers: { Authorization: `Basic ${auth}` },
    });
    if (r.status >= 300) throw new Error(`DELETE ${path[type]} answered ${r.status}: ${await r.text()}`);
  }

  /**
   * The runbook's import step: the recovery command's probes (offline/orphan-probe.ts) find what blocks the re-run;
   * where they find nothing, the double's inventory (what the runbook's listing by owner shows) decides.
   */
  async recover(config: Json, probing: boolean): Promise<string[]> {
    const { steps, values, state } = await this.orphansNow(config);
    const cloud = {
      endpoint: this.local.double.url,
      key: this.env.TF_VAR_confluent_cloud_api_key ?? "",
      secret: this.env.TF_VAR_confluent_cloud_api_secret ?? "",
    };
    const probed = probing ? await probeOrphans(probes(config, state, values, cloud)) : [];
    const lines: string[] = [];
    for (const step of probed.length ? probed : steps) {
      // An undecided orphan is left for the next look, once the re-run or these imports put what it refers to in the state.
      const env = step.kind === "import" ? importEnvironment(step, config, values) : {};
      if (step.kind === "delete") await this.remove(step);
      else if (step.kind === "import") {
        const r = await this.terraform(["import", "-input=false", step.address, step.importId], { env });
        if (r.code !== 0) throw new Error(`${stepLine(step)} failed:\n${terraformErrors(r.output)}`);
      }
      const line = stepLine(step, Object.keys(env));
      lines.push(probing && !probed.length ? `${line} [not found by the probes]` : line);
    }
    return lines;
  }

  /** Force-unlock, re-run, recovery steps where a re-run fails, until converged; then what is left outside state. */
  async converge(config: Json): Promise<{ steps: string[]; problems: string[] }> {
    const steps: string[] = [];
    const problems: string[] = [];
    // The local backend's lock is a POSIX lock the kernel released with the dead process; its info file stays.
    if (existsSync(join(this.dir, LOCK_FILE))) steps.push("stale lock info");
    for (let attempt = 1; ; attempt++) {
      const r = await this.apply();
      if (r.code === 0) break;
      const held = heldLockId(r.output);
      if (held !== undefined && !steps.includes("force-unlock")) {
        const u = await this.terraform(["force-unlock", "-force", held]);
        if (u.code !== 0) throw new Error(`terraform force-unlock failed:\n${u.output}`);
        steps.push("force-unlock");
        continue;
      }
      const error =
        terraformErrors(r.output)
          .split("\n")
          .find((l) => /Error/.test(l)) ?? `exit ${r.code}`;
      if (attempt >= 4) throw new Error(`no convergence after ${attempt} re-runs:\n${terraformErrors(r.output)}`);
      const recovered = await this.recover(config, true);
      if (recovered.length === 0)
        throw new Error(`the re-run failed and nothing is outside the state:\n${terraformErrors(r.output)}`);
      steps.push(`re-run failed (${error.trim().slice(0, 120)}): ${recovered.join("; ")}`);
    }
    // What converged by itself but left an object behind (a duplicate): found, and deleted by the runbook's step.
    const left = await this.recover(config, false);
    if (left.length) steps.push(`after the re-run: ${left.join("; ")}`);
    const plan = await this.terraform(["plan", "-input=false", "-detailed-exitcode"]);
    if (plan.code !== 0) problems.push(`next plan exit ${plan.code}: ${terraformErrors(plan.output).slice(0, 400)}`);
    const still = (await this.orphansNow(config)).found;
    if (still.length) problems.push(`orphans: ${still.map((o) => `${o.type} ${o.id}`).join(", ")}`);
    return { steps, problems };
  }

  /** Statements created more than once, or created without the carry-over their configuration names. */
  statementProblems(config: Json, from: number): string[] {
    const created = this.created.slice(from);
    const blocks = Object.values<Json>(config.resource.confluent_flink_statement ?? {});
    const problems: string[] = [];
    for (const name of new Set(created.map((c) => c.name))) {
      const times = created.filter((c) => c.name === name);
      if (times.length > 1) problems.push(`statement ${name} created ${times.length} times`);
      const want = blocks.find((b) => b.statement_name === name)?.properties?.[CARRY_OVER];
      if (want !== undefined && times.some((c) => c.carryOverFrom !== want))
        problems.push(`statement ${name} created without its carry-over from ${want}`);
    }
    return problems;
  }

  /** Until every statement's phase is what it was told (RUNNING or STOPPED). */
  async settled(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const all = () => [...this.local.double.store.statements.values()];
    while (Date.now() < deadline && !all().every((s) => s.status.phase === (s.spec.stopped ? "STOPPED" : "RUNNING")))
      await sleep(500);
  }

  killRunning(): void {
    if (this.child?.pid !== undefined) signalGroup(this.child.pid, "SIGKILL");
  }
}

/** The example consumers, each in a group of its own per trial (the topics are new after each destroy). */
class TrialConsumers {
  readonly received = new Map<string, string[]>();
  private readonly running: RunningConsumer[] = [];

  static async start(local: LocalConfluent, idPrefix: string, group: string): Promise<TrialConsumers> {
    const c = new TrialConsumers();
    for (const [consumer, topics] of topicsByConsumer(local.pipeline.filters.filters)) {
      const ids: string[] = [];
      c.received.set(consumer, ids);
      c.running.push(
        await startRoutedConsumer({
          kafka: local.pipeline.kafka.client,
          consumer,
          topics,
          groupId: `${consumerGroup(consumer)}${group}`,
          handle: async (event) => {
            if (event.id.startsWith(idPrefix)) ids.push(`${event.id}/${event.op}`);
          },
        }),
      );
    }
    return c;
  }

  /** The tally of the ids starting with `prefix` (one trial's rows), once all expected arrived or timeoutMs. */
  async await(expected: Map<string, string[]>, prefix: string, timeoutMs = 120_000): Promise<ConsumerTally[]> {
    const deadline = Date.now() + timeoutMs;
    const complete = () => [...expected].every(([c, ids]) => ids.every((id) => this.received.get(c)?.includes(id)));
    while (Date.now() < deadline && !complete()) await sleep(500);
    await sleep(3000); // late duplicates
    const mine = new Map([...this.received].map(([c, ids]) => [c, ids.filter((id) => id.startsWith(prefix))]));
    return tally(expected, mine);
  }

  async stop(): Promise<void> {
    for (const c of this.running) await c.stop();
  }
}

/** Dev synthesized for the double, with the filters and lock in `env`: the JSON cdktf deploy applies. */
async function synthesized(dir: string, url: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return JSON.stringify(await synthesize("dev", dir, { ...env, [LOCAL_CONFLUENT_ENV]: url }));
}

/** The filter change of the deploy suites (loan-created to v2, creates only), locked as a developer locks it. */
async function changedInputs(dir: string): Promise<NodeJS.ProcessEnv> {
  const filters = join(dir, "filters.yaml");
  const doc = parseYaml(readFileSync("filters/filters.yaml", "utf8"));
  const f = doc.filters.find((x: Json) => x.name === "loan-created");
  f.version = 2;
  f.operations = ["create"];
  writeFileSync(filters, stringifyYaml(doc));
  const lock = join(dir, "statements.lock.json");
  copyFileSync("lock/statements.lock.json", lock);
  const env = { CDC_ROUTING_FILTERS: filters, CDC_ROUTING_LOCK: lock };
  const r = await runEntryPoint("cli/cdc-routing.ts", ["lock", "--stage", "dev", "--filters", filters], {
    env: { ...process.env, ...env },
  });
  if (r.code !== 0) throw new Error(`cdc-routing lock failed:\n${r.output}`);
  return env;
}

function rowsOf(local: LocalConfluent, tag: string, count: number): RawEvent[] {
  return sampleRows(local.pipeline.filters, tag, count);
}

/** The routed events of `written` that did not arrive exactly once (missing + extra copies). */
function lossAndDuplicates(tallies: ConsumerTally[]): { lost: number; duplicated: number } {
  return {
    lost: tallies.reduce((n, t) => n + t.missing.length, 0),
    duplicated: tallies.reduce((n, t) => n + t.received - (t.expected - t.missing.length), 0),
  };
}

/**
 * The local Confluent with dev's two configurations (v1: the filters as they are; v2: the change with carry-over)
 * and one terraform working directory. A deploy trial starts from an empty state, a change trial from v1 deployed.
 */
export class KilledApplies {
  private consumers?: TrialConsumers;
  private cycle = 0;

  private constructor(
    readonly local: LocalConfluent,
    readonly bench: Bench,
    private readonly temporary: TemporaryDirs,
    readonly seed: number,
  ) {}

  static async start(seed: number, progress: (line: string) => void = () => undefined): Promise<KilledApplies> {
    const temporary = new TemporaryDirs();
    const local = await startLocalConfluent(progress);
    try {
      const dir = temporary.create("killed-apply");
      const work = join(dir, "stack");
      mkdirSync(work);
      const changed = await changedInputs(dir);
      const configs = {
        v1: await synthesized(join(dir, "v1"), local.double.url),
        v2: await synthesized(join(dir, "v2"), local.double.url, changed),
      };
      const bench = new Bench(local, work, configs);
      bench.use("v1");
      const init = await bench.terraform(["init", "-input=false"]);
      if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
      return new KilledApplies(local, bench, temporary, seed);
    } catch (e) {
      await local.stop();
      temporary.removeAll();
      throw e;
    }
  }

  /** An uninterrupted deploy and change: the calls each makes (the range kill points are drawn from). */
  async uninterrupted(): Promise<Record<TrialKind, number>> {
    const calls = { deploy: 0, change: 0 };
    for (const [kind, version] of [
      ["deploy", "v1"],
      ["change", "v2"],
    ] as const) {
      this.bench.use(version);
      const r = await this.bench.apply();
      if (r.code !== 0) throw new Error(`the uninterrupted ${kind} failed:\n${terraformErrors(r.output)}`);
      calls[kind] = r.calls;
      await this.bench.settled();
    }
    return calls;
  }

  /** One kill at a call drawn with `seed` among `calls`, the recovery, and the trial's checks. */
  async trial(
    kind: TrialKind,
    index: number,
    seed: number,
    calls: number,
    /** Runs between the kill and the recovery (the e2e test runs the recovery command there). */
    afterKill: (dir: string) => Promise<void> = async () => undefined,
    /** @default a call drawn with `seed` among `calls` */
    at?: KillAt,
  ): Promise<TrialResult> {
    const { bench, local } = this;
    const killAt = at ?? killPoint(seededRandom(seed), calls);
    const config = bench.use(kind === "deploy" ? "v1" : "v2");
    const tag = `kill-${this.seed}-${index}`;
    const createdBefore = bench.created.length;
    const written: RawEvent[] = [];
    if (kind === "change" && !this.consumers) await this.startConsumers();
    let writing = kind === "change";
    // During the change rows keep coming: through the kill, the recovery and the switch.
    const writer = (async () => {
      for (let batch = 0; writing; batch++) {
        const rows = rowsOf(local, `${tag}-${batch}-`, 10);
        await insertRows(local.pipeline.postgres, rows);
        written.push(...rows);
        await sleep(500);
      }
    })();
    let recovery: { steps: string[]; problems: string[] };
    let killed = false;
    let recoverySeconds = 0;
    try {
      const r = await bench.apply(killAt);
      killed = r.killed;
      await afterKill(bench.dir);
      const start = Date.now();
      recovery = await bench.converge(config);
      await bench.settled();
      recoverySeconds = (Date.now() - start) / 1000;
    } finally {
      writing = false;
      await writer;
    }
    if (kind === "deploy") {
      await this.startConsumers();
      const rows = rowsOf(local, `${tag}-`, 40);
      await insertRows(local.pipeline.postgres, rows);
      written.push(...rows);
    }
    if (!this.consumers) throw new Error("a change trial runs after a deploy trial");
    const tallies = await this.consumers.await(expectedByConsumer(local.pipeline.filters, "dev", written), `${tag}-`);
    const problems = [
      ...recovery.problems,
      ...bench.statementProblems(config, createdBefore),
      ...tallies.filter((t) => t.missing.length || t.duplicated.length || t.unexpected.length).map(tallyLine),
    ];
    return { kind, seed, killAt, calls, killed, recoverySeconds, steps: recovery.steps, problems, tallies };
  }

  private async startConsumers(): Promise<void> {
    this.consumers = await TrialConsumers.start(this.local, `kill-${this.seed}-`, `-killed-${this.seed}-${this.cycle}`);
  }

  /** v1 deployed without a kill: where a change trial starts. */
  async deployed(): Promise<void> {
    this.bench.use("v1");
    const r = await this.bench.apply();
    if (r.code !== 0) throw new Error(`the deploy failed:\n${terraformErrors(r.output)}`);
    await this.bench.settled();
  }

  /** Back to an empty stage for the next deploy trial. */
  async destroy(): Promise<string[]> {
    await this.consumers?.stop();
    this.consumers = undefined;
    this.cycle += 1;
    const r = await this.bench.terraform(["destroy", "-input=false", "-auto-approve"]);
    if (r.code !== 0) throw new Error(`terraform destroy failed:\n${terraformErrors(r.output)}`);
    // What a trial that did not converge left outside the state stays; later trials are judged without it.
    const left = orphans(inventory(this.local.double.store), [], this.bench.baseline);
    for (const o of left) this.bench.baseline.add(o.id);
    return left.map((o) => `${o.type} ${o.id}`);
  }

  async stop(): Promise<void> {
    try {
      await this.consumers?.stop();
      this.bench.killRunning();
    } finally {
      await this.local.stop();
      this.temporary.removeAll();
    }
  }
}

export async function killedApplyTrials(
  o: KilledApplyOptions = {},
): Promise<{ rows: FaultRow[]; results: TrialResult[] }> {
  const trials = o.trials ?? 20;
  const seed = o.seed ?? 29;
  const say = o.say ?? ((line: string) => process.stderr.write(`[killed-apply] ${line}\n`));
  const results: TrialResult[] = [];
  say(`seed ${seed}, ${trials} trials; ${machineLine()}`);
  const applies = await KilledApplies.start(seed, o.progress);
  try {
    const calls = await applies.uninterrupted();
    say(`uninterrupted: a full deploy makes ${calls.deploy} API calls, the filter change ${calls.change}`);
    await applies.destroy();
    while (results.length < trials) {
      for (const kind of ["deploy", "change"] as const) {
        if (results.length >= trials) break;
        const index = results.length;
        const result = await applies.trial(kind, index, trialSeed(seed, index), calls[kind]).catch(
          (e: Error): TrialResult => ({
            kind,
            seed: trialSeed(seed, index),
            killAt: 0,
            calls: calls[kind],
            killed: true,
            recoverySeconds: 0,
            steps: [],
            problems: [`did not converge: ${e.message.slice(0, 600)}`],
            tallies: [],
          }),
        );
        results.push(result);
        say(trialLine(index, result));
        // A stage that did not converge is destroyed and the next cycle starts from empty.
        if (result.problems.some((p) => p.startsWith("did not converge"))) break;
      }
      if (results.length < trials) await destroyed(applies, say);
    }
    // The kill that matters most for carry-over: the statement created, its answer lost.
    for (let i = 0; i < (o.statementKills ?? 2); i++) {
      await destroyed(applies, say);
      await applies.deployed();
      const index = results.length;
      const result = await applies.trial("change", index, 0, calls.change, undefined, "statement create");
      results.push(result);
      say(trialLine(index, result));
    }
  } finally {
    await applies.stop();
  }
  say(`done; ${machineLine()}`);
  return { rows: faultRows(results), results };
}

async function destroyed(applies: KilledApplies, say: (line: string) => void): Promise<void> {
  const left = await applies.destroy();
  if (left.length) say(`left after destroy (outside any state): ${left.join(", ")}`);
}

export function trialLine(index: number, r: TrialResult): string {
  const { lost, duplicated } = lossAndDuplicates(r.tallies);
  return [
    `trial ${index} (${r.kind}, seed ${r.seed}): kill at ${typeof r.killAt === "number" ? `change call ${r.killAt}/${r.calls}` : `the ${r.killAt}`}${r.killed ? "" : " (finished first)"}`,
    `recovered in ${r.recoverySeconds.toFixed(1)} s`,
    r.steps.length ? `steps: ${r.steps.join(" | ")}` : "re-run alone",
    `lost ${lost}, duplicated ${duplicated}`,
    r.problems.length ? `PROBLEMS: ${r.problems.join(" | ")}` : "ok",
  ].join("; ");
}

/** The fault a trial stands for: its kind, or the change killed at the new statement's create. */
function faultOf(r: TrialResult): string {
  if (r.killAt === "statement create") return "SIGKILL at the new Flink statement's create (filter change)";
  return r.kind === "deploy" ? "SIGKILL during a full dev apply" : "SIGKILL during a filter change with carry-over";
}

/** One row per fault: kills, routed events lost and duplicated, time from the kill to convergence, what it took. */
export function faultRows(results: readonly TrialResult[]): FaultRow[] {
  const faults = [...new Set(results.map(faultOf))];
  return faults.map((fault) => {
    const rs = results.filter((r) => faultOf(r) === fault);
    const counts = rs.map((r) => lossAndDuplicates(r.tallies));
    const count = (test: (r: TrialResult) => boolean) => `${rs.filter(test).length}/${rs.length}`;
    return {
      fault,
      trials: rs.length,
      lost: counts.reduce((n, c) => n + c.lost, 0),
      duplicated: { routed: counts.reduce((n, c) => n + c.duplicated, 0) },
      recoverySeconds: rs.map((r) => r.recoverySeconds),
      note: [
        `re-run alone ${count((r) => r.steps.every((s) => s === "stale lock info"))}`,
        `import ${count((r) => r.steps.some((s) => s.includes("terraform import")))}`,
        `duplicates deleted ${count((r) => r.steps.some((s) => s.includes("# delete")))}`,
        `problems ${count((r) => r.problems.length > 0)}`,
      ].join(", "),
    };
  });
}

const USAGE = `usage: npm run bench:faults:killed [-- --trials <n>] [-- --seed <n>] [-- --statement-kills <n>]

Kills terraform apply of dev (full deploy, and the filter change with carry-over) on the local Confluent with
SIGKILL at seeded calls, recovers as docs/runbooks/interrupted-apply.md says, and checks each trial converged with
nothing lost or duplicated; then --statement-kills changes killed at the new statement's create. Prints each trial
(with its own seed) and the fault rows. Defaults: 20 trials, seed 29, 2 statement kills.`;

if (require.main === module) {
  void runScript(USAGE, async (args) => {
    const { values } = parseCommandLine(args, {
      trials: { type: "string" },
      seed: { type: "string" },
      "statement-kills": { type: "string" },
    });
    const count = (name: string, text: string | undefined, fallback: number) => {
      const n = text === undefined ? fallback : Number(text);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not '${text}'`);
      return n;
    };
    const { rows } = await killedApplyTrials({
      trials: count("trials", values.trials, 20),
      seed: count("seed", values.seed, 29),
      statementKills: count("statement-kills", values["statement-kills"], 2),
      progress: process.env.CDC_ROUTING_VERBOSE ? (l) => process.stderr.write(`[local] ${l}\n`) : undefined,
    });
    process.stdout.write(`${machineLine()}\n${faultTable(rows)}`);
  });
}
