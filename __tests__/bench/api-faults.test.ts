/** The API fault trials' pure parts: terraform's error blocks on one line, and the fault report's rows. */
import { apiFaultRows, SCENARIOS, type TrialResult, terraformErrorLines } from "../../bench/faults/api-faults";
import { FAULT_KINDS, type FaultCounts, parseFaultRules } from "../../local/confluent-api/faults";

test("every scenario's rules parse", () => {
  for (const s of SCENARIOS) expect(() => parseFaultRules(s.rules)).not.toThrow();
});

test("terraformErrorLines: each Error: block on one line, without its with/on lines", () => {
  const output = [
    "confluent_environment.main: Creating...",
    "",
    'Error: error creating service account "cdc-routing-dev-manager": 501 Not',
    "Implemented",
    "",
    "  with confluent_service_account.manager,",
    "  on main.tf.json line 1105, in resource.confluent_service_account.manager:",
    " 1105:       }",
    "",
    "Error: second",
  ].join("\n");
  expect(terraformErrorLines(output)).toEqual([
    'Error: error creating service account "cdc-routing-dev-manager": 501 Not Implemented',
    "Error: second",
  ]);
});

test("apiFaultRows: one row per scenario, recovery of the converged trials, faults and failures in the note", () => {
  const counts = (n: number): FaultCounts =>
    ({ ...Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])), "429": n }) as FaultCounts;
  const trial = (stage: "dev" | "prod", converged: boolean, seconds: number): TrialResult => ({
    stage,
    scenario: SCENARIOS[1],
    seed: 1,
    converged,
    seconds,
    injected: counts(10),
    faults: 10,
    retries: 9,
    calls: 50,
    problem: converged ? undefined : "apply failed: Error: boom",
  });
  expect(apiFaultRows([trial("dev", true, 30), trial("prod", false, 50), trial("prod", true, 40)])).toEqual([
    {
      fault: SCENARIOS[1].fault,
      trials: 3,
      lost: 0,
      duplicated: {},
      recoverySeconds: [30, 40],
      note: "dev, prod; 30 faults, 27 retried; 1 of 3 did NOT converge: apply failed: Error: boom",
    },
  ]);
});
