/** The generated Confluent SQL of a stage, base branch vs pull request, as a unified diff of readable SQL. */
import { createTwoFilesPatch } from "diff";
import type { FilterSet } from "../filters/model";
import { renderSql } from "../flink-sql/generate";
import { deployedSql } from "../lock/stage-lock";
import type { StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";

export function stageSql(set: FilterSet | undefined, stage: StageName): string {
  if (!set) return "";
  return renderSql(deployedSql(set, stageConfig(stage)));
}

/** Empty when the stage's SQL is unchanged. */
export function sqlDiff(base: FilterSet | undefined, head: FilterSet, stage: StageName): string {
  const before = stageSql(base, stage);
  const after = stageSql(head, stage);
  if (before === after) return "";
  const patch = createTwoFilesPatch(`base/${stage}.sql`, `head/${stage}.sql`, before, after, "", "", { context: 3 });
  // Drop the "Index:" / "====" preamble; keep ---/+++ and the hunks.
  return patch
    .split("\n")
    .filter((line) => !line.startsWith("Index:") && !/^=+$/.test(line))
    .join("\n")
    .trim();
}
