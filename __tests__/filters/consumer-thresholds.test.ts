/** filters.yaml `consumers:` (filters/consumer-thresholds.ts): a consumer's own alert thresholds, and their errors. */
import { errorsOf, filterEntry, filtersYaml, parse } from "../support/helpers";

const loans = filterEntry(
  "loans",
  "      - { field: event_type, op: equals, value: LoanCreated }",
  "    consumer: loan-servicing",
);
const withConsumers = (consumers: string) => `${filtersYaml(loans)}\nconsumers:\n${consumers}`;

describe("consumers' alert thresholds in filters.yaml", () => {
  test("a consumer's thresholds are read; unset ones are left to the stage", () => {
    const set = parse(withConsumers("  loan-servicing: { maxLag: 500, lagFor: 5m }\n"));
    expect([...(set.consumers ?? [])]).toEqual([["loan-servicing", { maxLag: 500, lagFor: "5m" }]]);
    expect([...(parse(filtersYaml(loans)).consumers ?? [])]).toEqual([]);
  });

  test("every bad threshold is named at its file:line:col with the fix", () => {
    expect(
      errorsOf(
        withConsumers(
          [
            "  loan-servicing: { maxLag: 0, lagFor: 10 minutes, absentFor: 1h30m, maxlag: 3 }",
            "  loan-servicng: { maxLag: 10 }",
            "  billing: 5",
          ].join("\n"),
        ),
      ),
    ).toEqual([
      "unknown key 'maxlag' at filters.yaml:11:70; did you mean 'maxLag'?",
      "maxLag of consumer 'loan-servicing' must be a positive whole number of records, got number 0 at filters.yaml:11:29",
      "lagFor of consumer 'loan-servicing': \"10 minutes\" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m) at filters.yaml:11:40",
      "absentFor of consumer 'loan-servicing': \"1h30m\" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m) at filters.yaml:11:63",
      "consumer 'loan-servicng' is named by no filter at filters.yaml:12:3; did you mean 'loan-servicing'?",
      "consumer 'billing' is named by no filter at filters.yaml:13:3; expected one of: loan-servicing",
      "thresholds of consumer 'billing' must be a mapping (maxLag, lagFor, absentFor), got number 5 at filters.yaml:13:12",
    ]);
  });

  test("consumers must be a mapping", () => {
    expect(errorsOf(withConsumers("  - loan-servicing\n"))).toEqual([
      "'consumers' must be a mapping of consumer name to thresholds (maxLag, lagFor, absentFor), got a list at filters.yaml:11:3",
    ]);
  });
});
