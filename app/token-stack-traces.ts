/**
 * cdktf captures a full stack trace for every token it creates (Intrinsic, Lazy and every generated output
 * reference call `captureStackTrace` in cdktf/lib/tokens/private/stack-trace.js), only to print it if that token
 * later fails to resolve. Capturing and formatting those traces took about 1.5 s of a 5.3 s synth of 400 filters
 * (docs/performance.md, Scale). cdktf calls the function through its module's exports, so replacing the export
 * leaves every token with an empty creation stack, as cdktf itself does when a trace comes back empty; errors
 * keep their own traces. A resolution error then names the token but not where it was created: run without
 * this (CDC_ROUTING_TOKEN_TRACES=1) to see that.
 */
export function skipTokenStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (env.CDC_ROUTING_TOKEN_TRACES === "1") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}
