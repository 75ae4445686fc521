/** bench/process-cpu.ts: which program a process is counted under, and the report's lines. */
import { machineCpu, machineReport, programOf, report, suiteReport } from "../../bench/process-cpu";

describe("programOf", () => {
  test.each([
    [["java", "-Xmx1g", "-cp", "/j/*", "kafka.Kafka", "server.properties"], "java kafka broker"],
    [["java", "-cp", "/j/*", "kafka.tools.StorageTool", "format"], "java kafka storage format"],
    [["java", "-cp", "/j/*", "org.apache.kafka.connect.cli.ConnectStandalone", "w.properties"], "java kafka connect"],
    [["java", "-cp", "/j/*", "org.example.Main"], "java (other)"],
    [["java", "-Xmx512m", "-cp", "/j/*", "FlinkSqlRunner", "a=b"], "java flink statement"],
    [["java", "-Xmx1536m", "-cp", "/j/*", "FlinkSqlRunner", "a=b"], "java flink runner"],
    [["java", "-cp", "/j/*:/p/RegexFind-1", "/x/RegexFind.java"], "java RegexFind.java"],
    [["/m/terraform-provider-confluent_v2.83.4"], "terraform-provider-confluent"],
    [["terraform", "plan", "-input=false"], "terraform plan"],
    [["/usr/bin/terraform", "-chdir=/w", "apply", "-auto-approve"], "terraform apply"],
    [["terraform"], "terraform"],
    [["node", "/w/node_modules/jest-worker/build/processChild.js"], "node jest worker"],
    [["node", "--enable-source-maps", "bin/run.js", "main.ts", "dev"], "node bin/run.js main.ts"],
    [["node", "/w/node_modules/.bin/cdktf", "deploy"], "node cdktf"],
    [["postgres: walsender postgres 127.0.0.1(1) START_REPLICATION"], "postgres"],
    [[], "(unknown)"],
  ])("%j is %s", (argv, program) => {
    expect(programOf(argv)).toBe(program);
  });
});

test("report: one line per program, then what was seen against the whole", () => {
  const text = report(
    [
      { program: "java kafka broker", seconds: 12.34, processes: 2 },
      { program: "terraform", seconds: 3, processes: 10 },
    ],
    16,
    9.5,
  );
  expect(text.split("\n")).toEqual([
    "    12.3 CPU s     2x  java kafka broker",
    "     3.0 CPU s    10x  terraform",
    "    15.3 CPU s seen, of 16.0 CPU s the command's processes used in all, in 9.5 s",
  ]);
});

test("suiteReport: a heading and one line per suite; nothing when no suite was seen", () => {
  expect(suiteReport([{ program: "monitoring", seconds: 40.04, processes: 12 }]).split("\n")).toEqual([
    "per e2e suite, the processes it started (the jest workers' own CPU not included):",
    "    40.0 CPU s    12x  monitoring",
  ]);
  expect(suiteReport([])).toBe("");
});

test("report: more seen than in all is explained (processes that outlived their parent are not in the whole)", () => {
  expect(
    report([{ program: "java kafka broker", seconds: 5, processes: 1 }], 4, 9)
      .split("\n")
      .slice(1),
  ).toEqual([
    "     5.0 CPU s seen, of 4.0 CPU s the command's processes used in all, in 9.0 s",
    "         (more seen than in all: processes that outlived their parent, as the Kafka brokers e2e workers share)",
  ]);
});

test("machineCpu: busy is user, nice, system, irq and softirq; idle takes iowait in; steal apart", () => {
  const stat = "cpu  100 20 30 400 50 6 4 10 0 0\ncpu0 50 10 15 200 25 3 2 5 0 0\nintr 1 2 3\n";
  expect(machineCpu(stat)).toEqual({ busy: 1.6, idle: 4.5, steal: 0.1 });
  expect(() => machineCpu("intr 1 2 3\n")).toThrow("no cpu line in /proc/stat");
});

test("machineReport: the differences, and busy as a share of all the cores' time", () => {
  expect(machineReport({ busy: 10, idle: 5, steal: 1 }, { busy: 370, idle: 25, steal: 1 })).toBe(
    "machine: 360.0 CPU s busy (95% of all cores' time, any process), 20.0 s idle, 0.0 s stolen by the hypervisor",
  );
});
