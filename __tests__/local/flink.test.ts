/** The Flink runner's answers (local/flink.ts). */
import { jobState, schedulerTickOptions } from "../../local/flink";
import { QUICK_JVMS_ENV } from "../../local/processes";

describe("a job's state from the runner's STATE answer", () => {
  test("a failed job with its cause chain is FAILED with it", () => {
    expect(
      jobState("FAILED JobExecutionException: Job execution failed. | caused by: JsonParseException: x y"),
    ).toEqual({
      state: "FAILED",
      message: "JobExecutionException: Job execution failed. | caused by: JsonParseException: x y",
    });
  });

  test("FAILED before the job's result holds the cause counts as FAILING, so no statement fails without its cause", () => {
    expect(jobState("FAILED")).toEqual({ state: "FAILING", message: "" });
    expect(jobState("FAILED ")).toEqual({ state: "FAILING", message: "" });
  });

  test("other states pass through", () => {
    expect(jobState("RUNNING")).toEqual({ state: "RUNNING", message: "" });
    expect(jobState("RESTARTING")).toEqual({ state: "RESTARTING", message: "" });
    expect(jobState("NONE")).toEqual({ state: "NONE", message: "" });
  });
});

describe("Pekko's scheduler tick of a runner JVM", () => {
  test("the test runs (quick JVMs) tick every 50 ms; elsewhere Pekko's default stays", () => {
    expect(schedulerTickOptions({ [QUICK_JVMS_ENV]: "1" })).toEqual(["-Dpekko.scheduler.tick-duration=50ms"]);
    expect(schedulerTickOptions({})).toEqual([]);
  });
});
