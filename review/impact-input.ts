/**
 * The inputs of `cdc-routing impact`: the filters file at a git ref, and a corpus of raw events in JSON Lines
 * (one raw record per line; `__topic` names its raw topic, default the file's default source, as `cdc-routing
 * sample` writes it).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { CORPUS_TOPIC_FIELD } from "../filters/evaluate";
import { parseFiltersYaml } from "../filters/load";
import type { FilterSet } from "../filters/model";
import { InputError } from "../lib/errors";
import { STAGE_NAMES } from "../stages/names";
import type { ImpactEvent } from "./impact";

/** The filters file as committed at `ref` (`git show <ref>:./<file>`), validated; errors name the ref and file. */
export function filtersAtRef(ref: string, file: string): FilterSet {
  const shown = spawnSync("git", ["show", `${ref}:./${file}`], { encoding: "utf8" });
  if (shown.status !== 0)
    throw new InputError(
      `cannot read ${file} at ${ref}: ${(shown.stderr || shown.error?.message || "git failed").trim().split("\n")[0]}`,
    );
  return parseFiltersYaml(shown.stdout, `${ref}:${file}`, { stages: STAGE_NAMES });
}

export function readCorpus(path: string, defaultSource: string): ImpactEvent[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read events ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const problems: string[] = [];
  const events: ImpactEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const { [CORPUS_TOPIC_FIELD]: topic, ...event } = JSON.parse(line) as Record<string, unknown>;
      events.push({ source: typeof topic === "string" ? topic : defaultSource, origin: "corpus", event });
    } catch (e) {
      problems.push(`${path}:${i + 1}: not a JSON object (${(e as Error).message})`);
    }
  });
  if (problems.length > 0)
    throw new InputError(problems.slice(0, 5), `${problems.length} bad lines; nothing was compared`);
  return events;
}
