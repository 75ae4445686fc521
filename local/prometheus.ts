/**
 * Prometheus and promtool from the Debian package `prometheus` (Debian 12: 2.42), which ships both
 * (/usr/bin/prometheus, /usr/bin/promtool): they check the generated alert rules and scrape configuration, and a
 * real Prometheus scrapes the local API double in the monitoring e2e. Nothing is started as a service: a Prometheus
 * started here keeps its data in the given directory and stops with the harness (local/processes.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { InputError } from "../lib/errors";
import { freePort } from "../lib/ports";
import { type Run, run } from "../lib/run";
import { type Progress, printProgress, type RunningService, startService } from "./processes";

/** The binary, or an input error naming the package that has it. */
export function prometheusBinary(name: "prometheus" | "promtool"): string {
  const probe = spawnSync(name, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0)
    throw new InputError(
      `${name} was not found on PATH; install Prometheus (Debian: apt-get install prometheus, which has prometheus and promtool)`,
    );
  return name;
}

/** `promtool <args>` in dir. */
export function promtool(dir: string, ...args: string[]): Promise<Run> {
  return run(prometheusBinary("promtool"), args, { cwd: dir });
}

export interface LocalPrometheus {
  url: string;
  service: RunningService;
  /** The API's answer to `GET /api/v1/<path>` (its `data`). */
  api(path: string): Promise<unknown>;
}

/** A Prometheus on a free loopback port with the configuration `configFile`, its data under dataDir. */
export async function startPrometheus(
  configFile: string,
  dataDir: string,
  progress: Progress = printProgress,
): Promise<LocalPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startService(
    {
      name: "prometheus",
      command: prometheusBinary("prometheus"),
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dataDir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      logFile: join(dataDir, "prometheus.log"),
      timeoutMs: 30_000,
      ready: async () => (await fetch(`${url}/-/ready`)).ok,
    },
    progress,
  );
  return {
    url,
    service,
    api: async (path) => {
      const response = await fetch(`${url}/api/v1/${path}`);
      const body = (await response.json()) as { status: string; data: unknown; error?: string };
      if (body.status !== "success") throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
      return body.data;
    },
  };
}
