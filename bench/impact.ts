/**
 * npm run bench:impact — `cdc-routing impact` at scale: 100,000 corpus events against 400 filters (20 consumers,
 * bench/scale-inputs.ts) at two refs, once with every filter changed (each condition's value moved, the worst case:
 * all 400 evaluated at both refs) and once with one filter changed; a warm-up round, then BENCH_ROUNDS alternating
 * rounds of each; median and spread of the wall time of generating the edge events and computing the impact.
 */
import { parseFiltersYaml } from "../filters/load";
import { parseCommandLine, runScript } from "../lib/command-line";
import { type ImpactEvent, impactEvents, routingImpact } from "../review/impact";
import { STAGE_NAMES } from "../stages/names";
import { scaleFiltersYaml } from "./scale-inputs";
import { alternate, machineLine, median, summary } from "./stats";

const USAGE = `usage: npm run bench:impact     (BENCH_ROUNDS=<rounds>, default 5; BENCH_EVENTS=<count>, default 100000)

Times the routing impact of a change to 400 filters (all of them, then one) over a corpus of generated raw events.`;

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const FILTERS = 400;
const GOAL_SECONDS = 5;
const EVENT_TYPES = ["LoanCreated", "LoanPaymentSubmitted", "CarCreated", "CarServiceDone"];
const OPS = ["c", "u", "d", "r"];

/** Raw events that the generated filters' conditions (event_type, entityId prefix) partly match. */
function corpus(n: number): ImpactEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    source: "raw-business-events",
    origin: "corpus" as const,
    event: {
      id: `e${i}`,
      __op: OPS[i % OPS.length],
      event_type: EVENT_TYPES[(i >> 2) % EVENT_TYPES.length],
      event_data: JSON.stringify({ eventBody: { entities: [{ entityId: `E${i % (FILTERS * 2)}-${i}` }] } }),
    },
  }));
}

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const yaml = scaleFiltersYaml(FILTERS, 20);
  const load = (text: string) => parseFiltersYaml(text, "bench.yaml", { stages: STAGE_NAMES });
  const base = load(yaml);
  // Every filter's entityId prefix moved (E<i>- to E<i+1>-) against the same filters with one moved.
  const allChanged = load(yaml.replace(/value: E(\d+)-/g, (_, n) => `value: E${Number(n) + 1}-`));
  const oneChanged = load(yaml.replace("value: E0-", "value: E1-"));
  const events = corpus(EVENTS);
  const seconds = (head: typeof base) => {
    const started = process.hrtime.bigint();
    const impact = routingImpact(base, head, "dev", impactEvents(base, head, "dev", events));
    if (impact.filters.length === 0) throw new Error("the benchmark change routed nothing differently");
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const sides = [`${FILTERS} filters changed`, "1 filter changed"] as const;
  const times = await alternate(sides, (side) => seconds(side === sides[0] ? allChanged : oneChanged), { unit: "s" });
  console.log(
    `bench:impact  ${EVENTS.toLocaleString("en-US")} corpus events, ${FILTERS} filters at two refs; ${machineLine()}`,
  );
  for (const side of sides) console.log(`  ${side.padEnd(20)} ${summary(times[side], "s")}`);
  const worst = median(times[sides[0]]);
  console.log(
    `  goal: ${EVENTS.toLocaleString("en-US")} events against ${FILTERS} changed filters in at most ${GOAL_SECONDS} s: ${worst <= GOAL_SECONDS ? "met" : "NOT MET"} (median ${worst.toFixed(2)} s); ratio all/one ${(worst / median(times[sides[1]])).toFixed(1)}`,
  );
}

void runScript(USAGE, main);
