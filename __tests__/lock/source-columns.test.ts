/** Column changes of a captured table against the lock (lock/source-columns.ts), through synth's and the lock's guards. */
import { readFileSync } from "node:fs";
import { designStage, stageProblems } from "../../constructs/stage-problems";
import { parseFiltersYaml } from "../../filters/load";
import { lockStage } from "../../lock/stage-lock";
import { stageConfig } from "../../stages/stages";

const FILE = "filters/filters-two-tables.yaml";
const text = readFileSync(FILE, "utf8");
const dev = stageConfig("dev");
const load = (yaml: string) => parseFiltersYaml(yaml, FILE);
const locked = lockStage({}, load(text), dev);
const problems = (yaml: string) => {
  const inputs = { stage: dev, filters: load(yaml), lock: locked };
  return stageProblems(inputs, designStage(inputs));
};

describe("a captured table's columns, as locked", () => {
  test("the lock records each captured table's columns, and the locked stage has no problem", () => {
    expect(locked.sources?.["raw-loan-entities"]).toEqual({
      table: "public.loan_entities",
      columns: [
        "id string not null",
        "status string",
        "amount float64",
        "term_months int32",
        "updated_at int64",
        "attributes json",
      ],
    });
    expect(problems(text)).toEqual([]);
  });

  const added = text.replace(
    "      - { name: attributes, type: json }\n",
    "      - { name: attributes, type: json }\n      - { name: region, type: string }\n",
  );

  test("a column added after the last: running statements keep their columns until their filter's next version", () => {
    // The lock is stale (it records the columns), nothing else: no statement changes.
    expect(problems(added)).toEqual([
      "dev: lock/statements.lock.json records other captured tables or columns than the filters file declares; run `npm run statements:lock` and commit the result",
    ]);
    const relocked = lockStage({ dev: locked }, load(added), dev);
    expect(relocked.running.map((s) => s.name)).toEqual(locked.running.map((s) => s.name));
    // The new version of a filter that lists no columns routes the new column, with carry-over from the old set.
    const bumped = added.replace(
      "    source: loan_entities\n    outputTopic: filtered-loan-approved-entities\n    version: 1",
      "    source: loan_entities\n    outputTopic: filtered-loan-approved-entities\n    version: 2",
    );
    const next = lockStage({ dev: relocked }, load(bumped), dev);
    expect(next.running[0].sql).toContain("`attributes`, `region`, `__op`");
    expect(next.running[0].carriedOverFrom).toBe(locked.running[0].name);
  });

  const at = `${FILE}:22:5`;
  test.each([
    [
      "removed",
      text.replace("      - { name: updated_at, type: int64 }\n", ""),
      `dev: column updated_at of public.loan_entities was removed at ${at}: the raw subject raw-loan-entities-value would refuse the connector's next schema`,
    ],
    [
      "retyped",
      text.replace("{ name: term_months, type: int32 }", "{ name: term_months, type: int64 }"),
      `dev: column term_months of public.loan_entities changed from 'term_months int32' to 'term_months int64' at ${at}: a changed type or nullability is incompatible`,
    ],
    [
      "made NOT NULL",
      text.replace("{ name: status, type: string }", "{ name: status, type: string, optional: false }"),
      `dev: column status of public.loan_entities changed from 'status string' to 'status string not null' at ${at}`,
    ],
    [
      "inserted before others",
      text.replace(
        "      - { name: status, type: string }\n",
        "      - { name: region, type: string }\n      - { name: status, type: string }\n",
      ),
      `dev: column status of public.loan_entities moved at ${at}: columns keep their order`,
    ],
  ])(
    "a column %s is refused at synth and by the lock, naming the table, the file position and the safe path",
    (_, yaml, start) => {
      const found = problems(yaml);
      expect(found[0]).toContain(start);
      expect(() => lockStage({ dev: locked }, load(yaml), dev)).toThrow(start);
    },
  );
});
