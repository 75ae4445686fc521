/** The one runner every script goes through (lib/command-line.ts): one behaviour per error kind (lib/errors.ts). */
import { type CommandResult, runCommand } from "../../lib/command-line";
import { EXIT, InputError, UsageError } from "../../lib/errors";

const USAGE = "usage: demo [--flag]";

async function demo(body: () => CommandResult | Promise<CommandResult>, args: string[] = [], note?: string) {
  let out = "";
  let err = "";
  const code = await runCommand(args, USAGE, body, { io: { out: (s) => (out += s), err: (s) => (err += s) }, note });
  return { code, out, err };
}

describe("runCommand: one behaviour per kind of failure", () => {
  test("success: the body's exit code; nothing returned is 0", async () => {
    expect(await demo(() => undefined)).toEqual({ code: EXIT.ok, out: "", err: "" });
    expect(await demo(() => 1)).toEqual({ code: 1, out: "", err: "" });
    expect(await demo(async () => 3)).toEqual({ code: 3, out: "", err: "" });
  });

  test("--help and -h: the usage on stdout, exit 0, the body never runs", async () => {
    const body = jest.fn();
    for (const flag of ["--help", "-h"])
      expect(await demo(body, ["x", flag])).toEqual({ code: 0, out: `${USAGE}\n`, err: "" });
    expect(body).not.toHaveBeenCalled();
  });

  test.each([false, true])(
    "an input error (async: %s): one `error:` line per problem, the summary and note, exit 1, no stack",
    async (isAsync) => {
      const error = new InputError(
        ["bucket 'Bad_Bucket' is not an S3 bucket name", "region 'x' is not a region"],
        "2 errors",
      );
      const r = await demo(
        isAsync
          ? async () => Promise.reject(error)
          : () => {
              throw error;
            },
        [],
        "nothing was written",
      );
      expect(r).toEqual({
        code: EXIT.failed,
        out: "",
        err: "error: bucket 'Bad_Bucket' is not an S3 bucket name\nerror: region 'x' is not a region\n2 errors; nothing was written\n",
      });
    },
  );

  test("an input error without summary or note: only its `error:` line", async () => {
    expect(
      await demo(() => {
        throw new InputError("KAFKA_BOOTSTRAP_SERVERS is not set");
      }),
    ).toEqual({ code: 1, out: "", err: "error: KAFKA_BOOTSTRAP_SERVERS is not set\n" });
  });

  test.each([false, true])(
    "a usage error (async: %s): the message, then the usage, on stderr, exit 2",
    async (isAsync) => {
      const error = new UsageError("unknown option '--flg'; did you mean '--flag'?");
      const r = await demo(
        isAsync
          ? async () => Promise.reject(error)
          : () => {
              throw error;
            },
      );
      expect(r).toEqual({
        code: EXIT.usage,
        out: "",
        err: `unknown option '--flg'; did you mean '--flag'?\n${USAGE}\n`,
      });
    },
  );

  test.each([false, true])(
    "anything else is a bug (async: %s): said so, with its stack trace, exit 70",
    async (isAsync) => {
      const error = new TypeError("cannot read properties of undefined (reading 'id')");
      const r = await demo(
        isAsync
          ? async () => Promise.reject(error)
          : () => {
              throw error;
            },
      );
      expect(r.code).toBe(EXIT.bug);
      expect(r.out).toBe("");
      expect(r.err).toMatch(
        /^bug: this is an error in cdc-routing itself, not in its input; please report it with the command you ran and this trace:\nTypeError: cannot read properties of undefined \(reading 'id'\)\n {4}at /,
      );
    },
  );

  test("the exit codes are distinct", () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
  });
});
