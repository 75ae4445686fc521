/**
 * The review at scale (400 filters over 20 consumers, bench/scale-inputs.ts): the comment fits GitHub's limit, the
 * job summary fits its own, and what a reviewer decides on (the verdict, every destructive change, every changed
 * statement) is in the comment in full. Plans are made from the synthesized stacks: every resource created (a
 * first deploy) and every filter removed (each of its resources deleted).
 */
import { scaleFiltersYaml } from "../../bench/scale-inputs";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { evolveStage } from "../../lock/stage-lock";
import { COMMENT_LIMIT, renderReview, SUMMARY_LIMIT_BYTES } from "../../review/comment";
import { type Block, CUT_MARK, fitBlocks } from "../../review/fit";
import { destructiveChanges } from "../../review/guard";
import type { PlanJson, ResourceChange } from "../../review/plan";
import { STAGE_NAMES, type StageName } from "../../stages/names";
import { stageConfig } from "../../stages/stages";
import { SNAPSHOT_DATE, synthStack } from "../support/stack-helpers";

const FILTERS = 400;
const CONSUMERS = 20;

function filterSet(filters: number): FilterSet {
  return parseFiltersYaml(scaleFiltersYaml(filters, CONSUMERS), "scale.yaml", { stages: STAGE_NAMES });
}

/** Each resource of the stage's synthesized stack as `type.name` with its arguments. */
function resources(stage: StageName, filters: FilterSet): Array<{ address: string; type: string; values: object }> {
  const synth = synthStack(
    (app) =>
      new RoutingStageStack(app, {
        stage: stageConfig(stage),
        filters,
        lock: evolveStage({}, filters, stageConfig(stage)),
        today: SNAPSHOT_DATE,
      }),
  );
  return Object.entries(synth.resource as Record<string, Record<string, object>>).flatMap(([type, blocks]) =>
    Object.entries(blocks).map(([name, values]) => ({ address: `${type}.${name}`, type, values })),
  );
}

function planOf(changes: ResourceChange[]): PlanJson {
  return { format_version: "1.2", resource_changes: changes };
}

const change = (r: { address: string; type: string; values: object }, action: "create" | "delete"): ResourceChange => ({
  address: r.address,
  type: r.type,
  name: r.address.slice(r.type.length + 1),
  change: {
    actions: [action],
    before: action === "delete" ? { ...r.values, stopped: false } : null,
    after: action === "create" ? r.values : null,
  },
});

const head = filterSet(FILTERS);
// One synth (seconds at this size): the other stages' stacks differ only in names that do not change the sizes.
const dev = resources("dev", head);
const deployed = Object.fromEntries(
  STAGE_NAMES.map((stage) => [
    stage,
    dev.map((r) => ({ ...r, address: r.address.replace("routing_dev-", `routing_${stage}-`) })),
  ]),
) as Record<StageName, ReturnType<typeof resources>>;

describe(`the review of ${FILTERS} filters over ${CONSUMERS} consumers`, () => {
  test("a first deploy of every stage: the comment fits GitHub's limit, the job summary its own", () => {
    const review = renderReview({
      stages: STAGE_NAMES.map((stage) => ({
        stage,
        plan: planOf(deployed[stage].map((r) => change(r, "create"))),
      })),
      head,
      optedIn: false,
      fullReviewUrl: "https://github.com/o/r/actions/runs/1",
    });
    // What the comment was before: everything, several times GitHub's limit.
    expect(review.full.length).toBeGreaterThan(4 * COMMENT_LIMIT);
    expect(review.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(review.markdown.length).toBeGreaterThan(COMMENT_LIMIT * 0.9); // the room is used, not wasted
    // The job summary: the whole review here (about 1 MB), or fitted into 1 MiB with the same guarantees.
    expect(Buffer.byteLength(review.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(review.summary.length).toBeGreaterThan(10 * COMMENT_LIMIT);

    expect(review.markdown).toContain("## cdc-routing plan review: ✅ no unapproved destructive changes");
    expect(review.markdown).toContain(
      `> ${CUT_MARK} **Shortened to fit GitHub's limit of 65,536 characters for a comment.** The guard's verdict, every destructive change and every changed Flink statement are here in full; sections marked ${CUT_MARK} are cut or left out. The full review is in [this run's job summary](https://github.com/o/r/actions/runs/1) and in its \`review\` artifact.`,
    );
    for (const stage of STAGE_NAMES) {
      const statements = deployed[stage].filter((r) => r.type === "confluent_flink_statement");
      expect(statements.length).toBeGreaterThan(1);
      for (const s of statements) expect(review.markdown).toContain(`- \`+ create\` \`${s.address}\``);
      expect(review.markdown).toContain(`${stage}: no destructive changes.`);
      const topics = deployed[stage].filter((r) => r.type === "confluent_kafka_topic").length;
      expect(review.markdown).toMatch(new RegExp(`^\\| topics \\| ${topics * 2} \\| 0 \\| 0 \\| 0 \\|$`, "m"));
    }
    // Each stage's SQL diff got a share; the diagrams and resource lists did not fit and are pointed to.
    expect(
      review.markdown.match(/^<details open><summary>Flink SQL changes \((dev|staging|prod)\)<\/summary>$/gm),
    ).toHaveLength(3);
    expect(review.markdown).toMatch(/^✂️ [\d,]+ more lines of the diff in the full review\.$/m);
    expect(review.markdown).toMatch(/^✂️ Routing \(prod\): [\d,]+ lines of the diagram, in the full review\.$/m);
  });

  test("every filter removed: every destructive change and every deleted statement is in the comment", () => {
    const filters = filterSet(FILTERS);
    const empty: FilterSet = { ...filters, filters: filters.filters.slice(0, 1) };
    const remaining = new Set(resources("dev", empty).map((r) => r.address));
    const plans = Object.fromEntries(
      STAGE_NAMES.map((stage) => [
        stage,
        planOf(deployed[stage].filter((r) => !remaining.has(r.address)).map((r) => change(r, "delete"))),
      ]),
    ) as Record<StageName, PlanJson>;
    const review = renderReview({
      stages: STAGE_NAMES.map((stage) => ({ stage, plan: plans[stage] })),
      base: filters,
      head: empty,
      optedIn: false,
    });
    expect(review.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(review.markdown).toContain("## cdc-routing plan review: ❌ destructive changes without opt-in");
    expect([...review.blocking.keys()]).toEqual([...STAGE_NAMES]);
    const devDestructive = destructiveChanges(plans.dev);
    expect(devDestructive.filter((c) => c.type === "confluent_kafka_topic")).toHaveLength(FILTERS - 1);
    for (const stage of STAGE_NAMES) {
      const destructive = destructiveChanges(plans[stage]);
      for (const c of destructive) expect(review.markdown).toContain(`\`${c.address.slice(c.type.length + 1)}\``);
      for (const s of destructive.filter((c) => c.type === "confluent_flink_statement"))
        expect(review.markdown).toContain(`- \`- delete\` \`${s.address}\``);
    }
    expect(review.markdown).toContain(`\n- ${FILTERS - 1} \`confluent_kafka_topic\` would be **deleted**: `);
  });

  test("stages with the same destructive changes: listed once, under the first of them", () => {
    const topics = planOf(dev.filter((r) => r.type === "confluent_kafka_topic").map((r) => change(r, "delete")));
    const review = renderReview({
      stages: STAGE_NAMES.map((stage) => ({ stage, plan: topics })),
      head,
      optedIn: false,
    });
    expect(review.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const lead = (stage: string) =>
      `❌ ${stage}: destructive changes need an explicit opt-in (label \`allow-destructive\` on the pull request)`;
    const n = FILTERS + 1; // and the raw topic
    expect(review.markdown).toContain(`${lead("dev")}:\n- ${n} \`confluent_kafka_topic\` would be **deleted**: `);
    expect(review.markdown).toContain(`${lead("staging")}: the same ${n} as dev, listed there.`);
    expect(review.markdown).toContain(`${lead("prod")}: the same ${n} as dev, listed there.`);
    for (const c of destructiveChanges(topics))
      expect(review.markdown).toContain(`\`${c.address.slice(c.type.length + 1)}\``);
  });
});

describe("fitting a document into a limit", () => {
  const section = (tier: number, lines: number, cuttable = true): Block => ({
    collapsible: {
      tier,
      summary: `s${tier}`,
      open: true,
      fence: "diff",
      lines: Array.from({ length: lines }, (_, i) => `line ${i}`),
      cuttable,
      unit: "lines",
    },
  });
  const limit = (max: number) => ({ max, measure: (t: string) => t.length, notice: () => "NOTICE" });

  test("whole when it fits, with no notice", () => {
    expect(fitBlocks(["# t"], [{ fixed: "a" }, section(1, 2)], limit(1000))).toBe(
      "# t\n\na\n\n<details open><summary>s1</summary>\n\n```diff\nline 0\nline 1\n```\n</details>",
    );
  });

  test("cut sections keep their first lines and say how many more; a section that cannot be cut is pointed to", () => {
    const fitted = fitBlocks(["# t"], [{ fixed: "a" }, section(1, 1000), section(2, 50, false)], limit(600));
    expect(fitted.length).toBeLessThanOrEqual(600);
    expect(fitted).toMatch(/^# t\n\nNOTICE\n\na\n\n<details open><summary>s1<\/summary>\n\n```diff\nline 0\n/);
    expect(fitted).toMatch(
      /\n```\n✂️ \d+ more lines in the full review\.\n<\/details>\n\n✂️ s2: 50 lines, in the full review\.$/,
    );
  });

  test("fixed blocks take their compact form when the full ones leave no room, and are cut only beyond that", () => {
    const big = { fixed: "x".repeat(500), compact: "y".repeat(100) };
    expect(fitBlocks([], [big, section(1, 5)], limit(300))).toMatch(/^NOTICE\n\ny{100}\n\n/);
    const huge = { fixed: "x\n".repeat(500), compact: "y\n".repeat(400) };
    const cut = fitBlocks([], [huge], limit(300));
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut).toMatch(/\n✂️ \d+ more lines in the full review\.$/);
  });
});
