/**
 * The double's API faults: the rule language, the seeded decision, the counts, the answers' shapes (pure), then the
 * server's hook over real HTTP on loopback (an error answer, a reset connection, a late answer, and no fault when
 * the rules are taken away).
 */
import {
  draw,
  FaultPlan,
  faultAnswer,
  faultSettingsFromEnv,
  formatFaultRules,
  globRegex,
  parseFaultRules,
} from "../../../local/confluent-api/faults";
import { type ConfluentDouble, startConfluentDouble } from "../../../local/confluent-api/server";

describe("parseFaultRules", () => {
  test("kind, rate in % or as a fraction, an optional method and path glob; rules split on ;", () => {
    expect(parseFaultRules("429@20%; 503@0.05 POST /iam/**;reset@5% /cmk/v2/clusters/*; slow=3s@10%")).toEqual([
      { kind: "429", rate: 0.2, method: undefined, glob: "/**" },
      { kind: "503", rate: 0.05, method: "POST", glob: "/iam/**" },
      { kind: "reset", rate: 0.05, method: undefined, glob: "/cmk/v2/clusters/*" },
      { kind: "slow", delayMs: 3000, rate: 0.1, method: undefined, glob: "/**" },
    ]);
    expect(parseFaultRules("slow@1%")[0].delayMs).toBe(2000);
    expect(parseFaultRules("slow=250ms@1% get")[0]).toMatchObject({ delayMs: 250, method: "GET" });
    expect(parseFaultRules(" ; ")).toEqual([]);
  });

  test("a wrong rule names itself and what is allowed", () => {
    expect(() => parseFaultRules("418@10%")).toThrow("API fault rule '418@10%': unknown kind '418'; kinds: 429, 500");
    expect(() => parseFaultRules("429@120%")).toThrow("rate '120%' must be 0..1 or 0%..100%");
    expect(() => parseFaultRules("429")).toThrow("API fault rule '429' must be <kind>@<rate>");
    expect(() => parseFaultRules("429@1% iam/**")).toThrow("path glob 'iam/**' must start with /");
    expect(() => parseFaultRules("429@1% POST /a /b")).toThrow("one path glob at most");
  });

  test("formatFaultRules writes what parseFaultRules reads", () => {
    const text = "429@20%; 503@5% POST /iam/**; slow=3000ms@10% /cmk/**";
    expect(formatFaultRules(parseFaultRules(text))).toBe(text);
  });
});

test("globRegex: * stays within a segment, ** spans segments and matches none", () => {
  const cases: [string, string, boolean][] = [
    ["/**", "/org/v2/environments", true],
    ["/iam/**", "/iam", true],
    ["/iam/**", "/iam/v2/api-keys/KEY1", true],
    ["/iam/**", "/iamx/v2", false],
    ["/cmk/v2/clusters/*", "/cmk/v2/clusters/lkc-1", true],
    ["/cmk/v2/clusters/*", "/cmk/v2/clusters/lkc-1/x", false],
    ["/kafka/v3/clusters/*/topics/*/configs:alter", "/kafka/v3/clusters/lkc-1/topics/t.1/configs:alter", true],
    ["/kafka/v3/clusters/*/topics/*/configs:alter", "/kafka/v3/clusters/lkc-1/topics/t/configsXalter", false],
  ];
  for (const [glob, path, matches] of cases)
    expect([glob, path, globRegex(glob).test(path)]).toEqual([glob, path, matches]);
});

describe("FaultPlan", () => {
  const calls = (plan: FaultPlan, n: number) =>
    Array.from({ length: n }, (_, i) => plan.decide("GET", `/org/v2/environments/env-${i % 7}`)?.kind ?? "-");

  test("a seed replays exactly; another seed decides otherwise", () => {
    const settings = { rules: parseFaultRules("429@20%; 503@10%"), seed: 42 };
    const a = calls(new FaultPlan(settings), 500);
    expect(calls(new FaultPlan(settings), 500)).toEqual(a);
    expect(calls(new FaultPlan({ ...settings, seed: 43 }), 500)).not.toEqual(a);
  });

  test("a call's fate depends on its own method, path and occurrence, not on other calls in between", () => {
    const settings = { rules: parseFaultRules("500@30%"), seed: 7 };
    const alone = new FaultPlan(settings);
    const interleaved = new FaultPlan(settings);
    const mine = Array.from({ length: 50 }, () => alone.decide("POST", "/iam/v2/api-keys")?.kind);
    const again = Array.from({ length: 50 }, (_, i) => {
      interleaved.decide("GET", `/other/${i}`);
      return interleaved.decide("POST", "/iam/v2/api-keys")?.kind;
    });
    expect(again).toEqual(mine);
  });

  test("rates come out as asked (matching rules add up) and only matching calls fail", () => {
    const plan = new FaultPlan({ rules: parseFaultRules("429@10%; 503@10%; reset@100% DELETE /**"), seed: 1 });
    const kinds = calls(plan, 20_000);
    const share = (k: string) => kinds.filter((x) => x === k).length / kinds.length;
    expect(share("429")).toBeCloseTo(0.1, 1);
    expect(share("503")).toBeCloseTo(0.1, 1);
    expect(share("reset")).toBe(0);
    expect(plan.injected).toMatchObject({ "429": kinds.filter((x) => x === "429").length, reset: 0 });
    expect(plan.decide("DELETE", "/cmk/v2/clusters/lkc-1")?.kind).toBe("reset");
  });

  test("a retry is a call of the same method, path and body right after a failed one; a slow answer is no failure", () => {
    const plan = new FaultPlan({ rules: parseFaultRules("500@100% POST /a; slow=1ms@100% /s"), seed: 3 });
    plan.decide("POST", "/a", '{"n":1}');
    plan.decide("POST", "/a", '{"n":2}');
    plan.decide("POST", "/a", '{"n":1}');
    plan.decide("GET", "/a");
    plan.decide("GET", "/s");
    plan.decide("GET", "/s");
    expect([plan.calls, plan.retries, plan.total, plan.injected["500"], plan.injected.slow]).toEqual([6, 1, 5, 3, 2]);
    expect(plan.summary()).toBe("API faults (seed 3): 5 injected (500 3, slow 2) in 6 calls, 1 retried");
  });

  test("draw is uniform enough: the mean of many draws is near 1/2", () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => draw(9, "GET /x", i));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});

test("faultSettingsFromEnv: rules and seed from the environment; none without rules; a bad seed is named", () => {
  expect(faultSettingsFromEnv({})).toBeUndefined();
  expect(faultSettingsFromEnv({ CDC_ROUTING_API_FAULTS: "429@20%", CDC_ROUTING_API_FAULTS_SEED: "12" })).toMatchObject({
    seed: 12,
    rules: [{ kind: "429", rate: 0.2 }],
  });
  expect(faultSettingsFromEnv({ CDC_ROUTING_API_FAULTS: "429@20%" })?.seed).toEqual(expect.any(Number));
  expect(() => faultSettingsFromEnv({ CDC_ROUTING_API_FAULTS: "429@1%", CDC_ROUTING_API_FAULTS_SEED: "x" })).toThrow(
    "CDC_ROUTING_API_FAULTS_SEED='x' must be a whole number",
  );
});

test("faultAnswer: the API family's error body; a 429 carries Retry-After and the rate-limit headers", () => {
  expect(faultAnswer(429, "/iam/v2/api-keys", 2)).toEqual({
    status: 429,
    headers: { "Retry-After": "2", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2" },
    body: {
      errors: [
        {
          id: "0".repeat(32),
          status: "429",
          code: "too_many_requests",
          detail: "Too Many Requests (injected by the local double)",
        },
      ],
    },
  });
  expect(faultAnswer(503, "/kafka/v3/clusters/lkc-1/topics")).toEqual({
    status: 503,
    headers: {},
    body: { error_code: 503, message: "Service Unavailable (injected by the local double)" },
  });
});

describe("the server's fault hook, over HTTP on loopback", () => {
  let double: ConfluentDouble;
  const logged: string[] = [];
  beforeAll(async () => {
    double = await startConfluentDouble({ log: (line) => logged.push(line) });
  });
  afterAll(() => double.close());
  const get = (path: string) => fetch(`${double.url}${path}`, { headers: { Authorization: "Basic YTpi" } });

  test("an error answer with its headers and body; the route does not run; the seed is logged", async () => {
    double.setFaults({ rules: parseFaultRules("429@100% GET /org/**"), seed: 5 });
    expect(logged.at(-1)).toBe("injecting API faults 429@100% GET /org/** with seed 5");
    const res = await get("/org/v2/environments");
    expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
      429,
      "1",
      { errors: [expect.objectContaining({ status: "429", code: "too_many_requests" })] },
    ]);
    expect(double.store.calls.size).toBe(0);
    expect(double.faults?.injected["429"]).toBe(1);
  });

  test("a reset connection fails the request with no answer", async () => {
    double.setFaults({ rules: parseFaultRules("reset@100%"), seed: 5 });
    await expect(get("/org/v2/environments")).rejects.toThrow("fetch failed");
    expect(double.faults?.injected.reset).toBe(1);
  });

  test("a lost answer: the call had its effect, the client sees a reset connection", async () => {
    double.setFaults({ rules: parseFaultRules("lost@100% POST /iam/v2/service-accounts"), seed: 5 });
    const post = fetch(`${double.url}/iam/v2/service-accounts`, {
      method: "POST",
      headers: { Authorization: "Basic YTpi", "Content-Type": "application/json" },
      body: JSON.stringify({ display_name: "lost-answer" }),
    });
    await expect(post).rejects.toThrow("fetch failed");
    expect([...double.store.serviceAccounts.values()].map((sa) => sa.display_name)).toContain("lost-answer");
    expect(double.faults?.injected.lost).toBe(1);
  });

  test("a slow answer is the right answer, late", async () => {
    double.setFaults({ rules: parseFaultRules("slow=300ms@100%"), seed: 5 });
    const started = Date.now();
    const res = await get("/org/v2/environments");
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("without rules every call is answered", async () => {
    double.setFaults(undefined);
    expect((await get("/org/v2/environments")).status).toBe(200);
    expect(double.faults).toBeUndefined();
  });
});
