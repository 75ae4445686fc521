/**
 * Apache Flink on a local mini-cluster, driven through the long-lived FlinkSqlRunner JVM (local/java/flink):
 * one JVM start for many scripts. Each script runs in a fresh TableEnvironment.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { isTransientFlinkFailure, retryTransient } from "../consumers/transient";
import type { FilterSet } from "../filters/model";
import { executableStatements, type FlinkKafkaOptions, generateSql, type Shape } from "../flink-sql/generate";
import { InputError } from "../lib/errors";
import { recordTiming } from "../lib/timings";
import { sharedClasses } from "./class-data-sharing";
import { classpath } from "./jars";
import {
  javaCommand,
  jvmTempOptions,
  type Progress,
  printProgress,
  quickJvms,
  quickStartJvmOptions,
  type RunningService,
  type ServiceSpec,
  startService,
  tail,
} from "./processes";

/** The module opens Flink's own launcher passes on Java 17 (from its default config.yaml). */
const FLINK_JAVA_OPTS = [
  "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
  ...[
    "java.lang",
    "java.net",
    "java.io",
    "java.nio",
    "sun.nio.ch",
    "java.lang.reflect",
    "java.text",
    "java.time",
    "java.util",
    "java.util.concurrent",
    "java.util.concurrent.atomic",
    "java.util.concurrent.locks",
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
];

/**
 * In the test runs (QUICK_JVMS_ENV), Pekko's scheduler ticks every 50 ms instead of its default 10 ms
 * (`pekko.scheduler.tick-duration` in Pekko's reference.conf; a system property overrides it, as Typesafe Config
 * reads them over the reference settings). A mini-cluster runs two (Flink's RPC and metrics systems), and a runner
 * keeps its mini-cluster between jobs: idle, it spent 0.88 CPU s a minute on their ticks, 0.24 at 50 ms
 * (`npm run bench:jvm-starts`). A timer fires up to a tick later (the scheduler rounds a delay up to whole ticks,
 * https://doc.akka.io/api/akka-core/current/akka/actor/LightArrayRevolverScheduler.html). Benchmarks of
 * throughput and `npm run local:up` keep Pekko's default.
 */
export function schedulerTickOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  return quickJvms(env) ? [schedulerTickOption("50ms")] : [];
}

/** The JVM option that sets Pekko's scheduler tick (e.g. "50ms"). */
export const schedulerTickOption = (tick: string): string => `-Dpekko.scheduler.tick-duration=${tick}`;

/** The dev stage's routing as Apache Flink dialect statements, ready for the runner. */
export function routingStatements(set: FilterSet, kafka: FlinkKafkaOptions, shape: Shape = "set"): string[] {
  return executableStatements(generateSql(set, "dev", { dialect: "flink", shape, kafka }));
}

/** A small bounded job (datagen to blackhole): a runner's start with a job, for benchmarks. */
export const SMALL_BOUNDED_JOB: readonly string[] = [
  "CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
  "CREATE TABLE sink (n INT) WITH ('connector' = 'blackhole')",
  "INSERT INTO sink SELECT n FROM numbers",
];

export interface FlinkRunOptions {
  /** Flink configuration applied to every script, e.g. parallelism.default. */
  config?: Record<string, string>;
  workDir: string;
  heap?: string;
  /** Further JVM options, e.g. for a short-lived runner that should start fast. */
  jvmOptions?: readonly string[];
  /**
   * A mini-cluster started and stopped for each job (Flink's local executor), instead of one the runner's jobs share
   * (local/java/flink/src/SharedMiniCluster.java): for benchmarks that compare the two. @default false
   */
  clusterPerJob?: boolean;
}

type Answer = { ok: boolean; detail: string };

/** How commands reach a runner JVM: its stdin, or a loopback connection to a runner shared between suites. */
export interface RunnerChannel {
  write(line: string): void;
  /** Whether the JVM runs and this channel to it is open. */
  readonly alive: boolean;
  readonly pid: number | undefined;
  readonly logFile: string;
  /** kill -9 of the JVM. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** Matches the runner's answer lines (`<VERB> <id> <detail>`) to the commands waiting for them. */
export class AnswerRouter {
  readonly waiting = new Map<string, (answer: Answer) => void>();
  ready = false;

  line(line: string): void {
    if (line === "READY") {
      this.ready = true;
      return;
    }
    const [verb, id, ...rest] = line.split(" ");
    const resolve = this.waiting.get(id);
    if (!resolve) return;
    this.waiting.delete(id);
    resolve({ ok: verb !== "FAIL", detail: rest.join(" ") });
  }

  exited(code: number | null): void {
    for (const [id, resolve] of this.waiting)
      resolve({ ok: false, detail: `Flink runner exited (code ${code}) during ${id}` });
    this.waiting.clear();
  }
}

/** Jobs a script started (FlinkRunner.submit). */
export interface SubmittedJobs {
  cancel(): Promise<void>;
  /** Resolves to the savepoint's path, for `execution.state-recovery.path` of a successor job. */
  stopWithSavepoint(): Promise<string>;
  /**
   * The worst state of the jobs now: FAILED with the cause chain once one failed, else Flink's JobStatus (RUNNING,
   * RESTARTING, ...), or NONE once they were stopped or cancelled.
   */
  state(): Promise<{ state: string; message: string }>;
}

/**
 * The runner's STATE answer (`<state> [cause chain]`) as a state and message. Flink can report a job FAILED before
 * its result holds the cause (the runner then answers the bare status): until the cause is there the job counts as
 * FAILING, so its statement never turns FAILED without its cause (monitoring.e2e.ts saw that once: a FAILED
 * statement with an empty `FlinkException:`).
 */
export function jobState(answer: string): { state: string; message: string } {
  const [state, ...rest] = answer.split(" ");
  const message = rest.join(" ");
  return state === "FAILED" && message.trim() === "" ? { state: "FAILING", message: "" } : { state, message };
}

/**
 * Starts a runner JVM: `io` says how its commands come in (stdin, or --port-file in the program arguments for a
 * runner that serves loopback connections) and when it is ready.
 */
export function startRunnerJvm(
  options: FlinkRunOptions & { programArguments?: readonly string[] },
  io: Pick<ServiceSpec, "stdin" | "onSpawn" | "ready">,
  progress: Progress,
): Promise<RunningService> {
  const jvmTemp = join(options.workDir, "jvm-tmp", "flink");
  // Flink's own temp and upload folders default to java.io.tmpdir; named too, so the choice is visible.
  const config = Object.entries({ "io.tmp.dirs": jvmTemp, "web.upload.dir": jvmTemp, ...options.config }).map(
    ([k, v]) => `${k}=${v}`,
  );
  return startService(
    {
      name: "flink sql runner",
      command: javaCommand(),
      ...sharedClasses([
        `-Xmx${options.heap ?? "1536m"}`,
        ...quickStartJvmOptions(),
        ...schedulerTickOptions(),
        // After the defaults: of two -D settings of one property, Java keeps the last.
        ...(options.jvmOptions ?? []),
        ...jvmTempOptions(jvmTemp),
        ...FLINK_JAVA_OPTS,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp",
        classpath("flink"),
        "FlinkSqlRunner",
        ...(options.clusterPerJob ? ["--mini-cluster-per-job"] : []),
        ...(options.programArguments ?? []),
        ...config,
      ]),
      logFile: join(options.workDir, "flink.log"),
      timeoutMs: 60_000,
      ...io,
    },
    progress,
  );
}

export class FlinkRunner {
  private counter = 0;

  private constructor(
    private readonly channel: RunnerChannel,
    private readonly answers: AnswerRouter,
    private readonly workDir: string,
  ) {}

  /** Whether the runner's JVM is still running and reachable. */
  get alive(): boolean {
    return this.channel.alive;
  }

  /** The runner JVM's process id (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.channel.pid;
  }

  static async start(options: FlinkRunOptions, progress: Progress = printProgress): Promise<FlinkRunner> {
    const answers = new AnswerRouter();
    const service = await startRunnerJvm(
      options,
      {
        stdin: true,
        onSpawn: (child) => {
          // stdin: true gives the runner piped stdin and stdout (processes.ts).
          if (child.stdout) createInterface({ input: child.stdout }).on("line", (line) => answers.line(line));
          child.once("exit", (code) => answers.exited(code));
        },
        ready: async () => answers.ready,
      },
      progress,
    );
    const channel: RunnerChannel = {
      write: (line) => service.child.stdin?.write(line),
      get alive() {
        return service.child.exitCode === null && service.child.signalCode === null;
      },
      pid: service.child.pid,
      logFile: service.logFile,
      kill: () => service.kill("SIGKILL"),
      close: async () => {
        service.child.stdin?.end();
        await service.stop();
      },
    };
    return new FlinkRunner(channel, answers, options.workDir);
  }

  /** A runner over a channel to a JVM started elsewhere (local/shared-flink.ts), its scripts written to `workDir`. */
  static attach(channel: RunnerChannel, answers: AnswerRouter, workDir: string): FlinkRunner {
    return new FlinkRunner(channel, answers, workDir);
  }

  private send(verb: string, id: string, argument: string, timeoutMs: number): Promise<string> {
    // A JVM whose exit was seen answers nothing more (AnswerRouter.exited has run): fail now, not at the timeout.
    if (!this.alive) return Promise.reject(new InputError(`Flink ${verb} ${id}: the runner's JVM has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.answers.waiting.delete(id);
        reject(
          new InputError(
            `Flink ${verb} ${id} did not finish in ${timeoutMs / 1000} s. Last lines of ${this.channel.logFile}:\n${tail(this.channel.logFile)}`,
          ),
        );
      }, timeoutMs);
      this.answers.waiting.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer.detail);
        else reject(new InputError(`Flink ${verb} failed: ${answer.detail}`));
      });
      this.channel.write(`${verb} ${id} ${argument}\n`);
    });
  }

  /** Writes one file per statement (the runner executes them in name order); returns the script id and dir. */
  private writeScript(statements: string[]): { id: string; dir: string } {
    const id = `script-${++this.counter}`;
    const dir = join(this.workDir, id);
    mkdirSync(dir, { recursive: true });
    statements.forEach((sql, i) => {
      writeFileSync(join(dir, `${String(i).padStart(3, "0")}.sql`), sql);
    });
    return { id, dir };
  }

  /** Runs statements whose jobs are bounded and waits for them to finish; returns the runner's wall time in ms. */
  async run(statements: string[], timeoutMs = 240_000): Promise<number> {
    const { id, dir } = this.writeScript(statements);
    const start = Date.now();
    const ms = Number(await this.send("RUN", id, dir, timeoutMs));
    recordTiming("flink", "bounded job run", start);
    return ms;
  }

  /**
   * Submits long-running jobs; returns a handle that cancels them, stops them with a savepoint, or tells their
   * state.
   */
  async submit(statements: string[]): Promise<SubmittedJobs> {
    const { id, dir } = this.writeScript(statements);
    const start = Date.now();
    await this.send("START", id, dir, 120_000);
    recordTiming("flink", "job submit", start);
    return {
      cancel: async () => void (await this.send("CANCEL", id, "-", 60_000)),
      state: async () => jobState(await this.send("STATE", id, "-", 30_000)),
      stopWithSavepoint: () =>
        retryTransient(
          "flink stop with savepoint",
          () => this.send("STOP", id, `file://${join(dir, "savepoint")}`, 120_000),
          { isTransient: isTransientFlinkFailure, timeoutMs: 120_000 },
        ),
    };
  }

  /** kill -9 of the runner's JVM, as a crash of the machine running the job. */
  async kill(): Promise<void> {
    await this.channel.kill();
  }

  /** Stops the JVM, or for a shared runner ends this suite's connection (the JVM cancels what it started). */
  async close(): Promise<void> {
    await this.channel.close();
  }
}
