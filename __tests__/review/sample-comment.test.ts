/**
 * The sample review comment in docs/deploying.md is what review/comment.ts renders for the sample change: rendered
 * again here, the page must not differ (run `npm run docs:sample-comment` after changing the comment's format).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadFilters } from "../../filters/load";
import { destructiveChanges } from "../../review/guard";
import {
  SAMPLE_BEGIN,
  SAMPLE_END,
  SAMPLE_PAGE,
  sampleChange,
  sampleComment,
  samplePlan,
  withSample,
} from "../../review/sample-comment";

const root = join(__dirname, "..", "..");
const page = readFileSync(join(root, SAMPLE_PAGE), "utf8");

describe("the sample review comment in the docs", () => {
  test(`${SAMPLE_PAGE} holds exactly what the code renders (npm run docs:sample-comment writes it)`, () => {
    const rendered = withSample(page, sampleComment(join(root, "filters", "filters.yaml")));
    expect(page.split("\n")).toEqual(rendered.split("\n"));
  });

  test("the sample shows a safe statement switch and a blocked topic deletion", () => {
    const base = loadFilters(join(root, "filters", "filters.yaml"));
    const comment = sampleComment(join(root, "filters", "filters.yaml"));
    expect(destructiveChanges(samplePlan(base, sampleChange(base))).map((c) => `${c.type} ${c.action}`)).toEqual([
      "confluent_kafka_topic delete",
    ]);
    expect(comment).toContain("## cdc-routing plan review: ❌ destructive changes without opt-in");
    expect(comment).toContain("+WHERE `__op` IN ('c')");
    expect(comment).toContain("**staging**: plan not run");
  });

  test("fenced with more backticks than any run inside, so its headings stay out of the page's outline", () => {
    const fenced = withSample(`# Page\n${SAMPLE_BEGIN}\nold\n${SAMPLE_END}\n`, "## heading\n```diff\n-a\n```\n");
    expect(fenced).toBe(
      `# Page\n${SAMPLE_BEGIN}\n\`\`\`\`markdown\n## heading\n\`\`\`diff\n-a\n\`\`\`\n\`\`\`\`\n${SAMPLE_END}\n`,
    );
    expect(withSample(`${SAMPLE_BEGIN}\n${SAMPLE_END}`, "````\n")).toContain("`````markdown\n````\n`````\n");
  });

  test("a page without the markers is an input error naming them", () => {
    expect(() => withSample("# Page\n", "x")).toThrow(
      `${SAMPLE_PAGE} needs the lines ${SAMPLE_BEGIN} and ${SAMPLE_END}, in that order`,
    );
  });
});
