/** Routing impact between two filter sets (review/impact.ts), and its inputs (review/impact-input.ts). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFilters, parseFiltersYaml } from "../../filters/load";
import { renderReview } from "../../review/comment";
import { type ImpactEvent, impactEvents, renderImpact, routingImpact } from "../../review/impact";
import { filtersAtRef, readCorpus } from "../../review/impact-input";
import { temporaryDirectory } from "../support/helpers";

const FILE = "filters/filters.yaml";
const base = loadFilters(FILE);
const text = readFileSync(FILE, "utf8");
const headOf = (edit: (yaml: string) => string) => parseFiltersYaml(edit(text), "head.yaml");
const impactOf = (edit: (yaml: string) => string, corpus: ImpactEvent[] = []) => {
  const head = headOf(edit);
  return routingImpact(base, head, "dev", impactEvents(base, head, "dev", corpus));
};
const rows = (impact: ReturnType<typeof impactOf>) =>
  impact.filters.map((f) => `${f.consumer} ${f.filter}: +${f.starts.count} -${f.stops.count}`);
const corpusEvent = (id: string, fields: Record<string, unknown>): ImpactEvent => ({
  source: "raw-business-events",
  origin: "corpus",
  event: { id, __op: "c", event_type: null, event_data: null, ...fields },
});

describe("routing impact", () => {
  test("no change: no routing change", () => {
    const impact = impactOf((y) => y);
    expect(impact.filters).toEqual([]);
    expect(renderImpact(impact, "text")).toBe(
      "Routing impact in dev (0 corpus events, 0 generated edge events): no routing change",
    );
  });

  test("equality: events of the old value stop, of the new value start, with the condition that decided", () => {
    const impact = impactOf(
      (y) => y.replace("value: CarCreated }", "value: CarRegistered }"),
      [
        corpusEvent("old", { event_type: "CarCreated" }),
        corpusEvent("new", { event_type: "CarRegistered" }),
        corpusEvent("other", { event_type: "LoanCreated" }),
      ],
    );
    expect(rows(impact)).toEqual(["car-inventory car-created: +3 -3"]);
    const [f] = impact.filters;
    expect(f.starts.examples[0]).toEqual({
      id: "new",
      source: "raw-business-events",
      origin: "corpus",
      decidedBy: 'event_type equals "CarCreated" is FALSE (event_type = "CarRegistered")',
    });
    expect(f.stops.examples[0].decidedBy).toBe(
      'event_type equals "CarRegistered" is FALSE (event_type = "CarCreated")',
    );
    expect([f.starts.corpus, f.starts.generated]).toEqual([1, 2]);
  });

  test("a list: a value added to `in` starts exactly its events", () => {
    const impact = impactOf((y) =>
      y.replace(
        "{ field: event_type, op: equals, value: LoanCreated }",
        "{ field: event_type, op: in, values: [LoanCreated, LoanReopened] }",
      ),
    );
    expect(rows(impact)).toEqual(["loan-servicing loan-created: +1 -0"]);
  });

  test("an ordered comparison: the edge below, at and above the bound", () => {
    const numeric = (bound: number) => (y: string) =>
      y.replace(
        "{ field: event_type, op: equals, value: CarCreated }",
        `{ field: __ts_ms, op: greaterThanOrEqual, value: ${bound} }`,
      );
    const before = parseFiltersYaml(numeric(100)(text), "b.yaml");
    const after = parseFiltersYaml(numeric(101)(text), "h.yaml");
    const impact = routingImpact(before, after, "dev", impactEvents(before, after, "dev", []));
    // __ts_ms = 100 (and only it) stops; nothing starts.
    expect(rows(impact)).toEqual(["car-inventory car-created: +0 -2"]);
    expect(impact.filters[0].stops.examples.map((x) => x.decidedBy)).toEqual([
      "__ts_ms greaterThanOrEqual 101 is FALSE (__ts_ms = 100)",
      "__ts_ms greaterThanOrEqual 101 is FALSE (__ts_ms = 100)",
    ]);
  });

  test("text operators: case and whitespace variants are told apart", () => {
    const impact = impactOf((y) =>
      y.replace(
        "{ field: event_type, op: equals, value: CarCreated }",
        "{ field: event_type, op: startsWith, value: Car }",
      ),
    );
    const [f] = impact.filters;
    expect(f.stops.count).toBe(0);
    expect(f.starts.count).toBeGreaterThan(0);
    // 'CAR' (case) and ' Car ' (whitespace) are not routed by startsWith Car.
    expect(f.starts.examples.every((x) => !x.decidedBy.includes('"CAR'))).toBe(true);
  });

  test("a changed operation list: one event per operation", () => {
    const impact = impactOf((y) =>
      y.replace(
        "    operations: [create, snapshot]\n    conditions:\n      all:\n        - { field: event_type, op: equals, value: CarCreated }",
        "    operations: [create]\n    conditions:\n      all:\n        - { field: event_type, op: equals, value: CarCreated }",
      ),
    );
    expect(rows(impact)).toEqual(["car-inventory car-created: +0 -1"]);
    expect(impact.filters[0].stops.examples[0].decidedBy).toBe('__op "r" is not one of its operations [create]');
  });

  test("an added and a removed filter", () => {
    const impact = impactOf((y) => y.replace("  - name: car-created", "  - name: cars-created"));
    expect(rows(impact)).toEqual(["car-inventory car-created: +0 -4", "car-inventory cars-created: +4 -0"]);
    expect(impact.filters.map((f) => f.change)).toEqual(["removed v1", "added v1"]);
  });

  test("several sources: each example names its source, and a filter moved to another table stops its old events", () => {
    const file = "filters/filters-two-tables.yaml";
    const twoTables = loadFilters(file);
    const moved = parseFiltersYaml(
      readFileSync(file, "utf8").replace(
        "    conditions:\n      all:\n        - { field: event_type, op: equals, value: LoanCreated }",
        "    source: loan_entities\n    conditions:\n      all:\n        - { field: status, op: equals, value: CREATED }",
      ),
      "h.yaml",
    );
    const impact = routingImpact(twoTables, moved, "dev", impactEvents(twoTables, moved, "dev", []));
    const [f] = impact.filters;
    expect(f.filter).toBe("loan-created");
    expect(f.stops.examples[0]).toMatchObject({
      source: "raw-business-events",
      decidedBy: "now the filter reads raw-loan-entities",
    });
    expect(f.starts.examples[0]).toMatchObject({
      source: "raw-loan-entities",
      decidedBy: "before, the filter read raw-business-events",
    });
    expect(renderImpact(impact, "text")).toContain("[generated, source raw-loan-entities]");
  });

  test("markdown: a table per change and the examples, the same impact as the text", () => {
    const impact = impactOf((y) => y.replace("value: CarCreated }", "value: CarRegistered }"));
    const md = renderImpact(impact, "markdown");
    expect(md).toContain(
      "| car-inventory | car-created (v1 -> v1) | 2 (0 corpus, 2 generated) | 2 (0 corpus, 2 generated) |",
    );
    expect(md).toContain("- starts: generated-car-created-");
  });
});

describe("impact inputs", () => {
  test("the filters at a git ref; an unknown ref or a file the ref lacks is a clear error naming both", () => {
    expect(filtersAtRef("HEAD", FILE).filters.map((f) => f.name)).toEqual(base.filters.map((f) => f.name));
    expect(() => filtersAtRef("no-such-ref", FILE)).toThrow(
      /^cannot read filters\/filters.yaml at no-such-ref: fatal: /,
    );
    expect(() => filtersAtRef("HEAD", "filters/none.yaml")).toThrow(/^cannot read filters\/none.yaml at HEAD: /);
  });

  test("a corpus in JSON Lines: each line's __topic is its source, the default otherwise; a bad line is named", () => {
    const dir = temporaryDirectory("impact");
    const file = join(dir, "events.jsonl");
    writeFileSync(file, '{"id":"a","__op":"c"}\n{"id":"b","__op":"c","__topic":"raw-loan-entities"}\n\n');
    expect(readCorpus(file, "raw-business-events").map((e) => [e.event.id, e.source, "__topic" in e.event])).toEqual([
      ["a", "raw-business-events", false],
      ["b", "raw-loan-entities", false],
    ]);
    writeFileSync(file, '{"id":"a"}\nnot json\n');
    expect(() => readCorpus(file, "raw-business-events")).toThrow(`${file}:2: not a JSON object`);
  });
});

describe("the review comment's Impact section", () => {
  test("is the impact `cdc-routing impact` computes, rendered by the same code; none when no filter changed", () => {
    const head = headOf((y) => y.replace("value: CarCreated }", "value: CarRegistered }"));
    const { markdown } = renderReview({ stages: [{ stage: "dev" }], base, head, optedIn: false });
    const expected = renderImpact(routingImpact(base, head, "dev", impactEvents(base, head, "dev", [])), "markdown");
    expect(markdown).toContain("Routing impact (dev)");
    expect(markdown).toContain(expected);
    expect(renderReview({ stages: [{ stage: "dev" }], base, head: base, optedIn: false }).markdown).not.toContain(
      "Routing impact",
    );
  });

  test("never names a payload field the filters do not read", () => {
    const head = headOf((y) => y.replace("value: CarCreated }", "value: CarRegistered }"));
    const { markdown } = renderReview({ stages: [{ stage: "dev" }], base, head, optedIn: false });
    const section = markdown.slice(markdown.indexOf("Routing impact (dev)"), markdown.indexOf("Routing (dev)"));
    for (const unread of ["created_date", "saved_date", "event_name", "eventHeader", "uuid"])
      expect(section).not.toContain(unread);
  });
});
