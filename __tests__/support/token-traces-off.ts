/**
 * Every test file synthesizes as main.ts does: without a stack trace captured for each token cdktf creates
 * (app/token-stack-traces.ts), which cost a jest worker about half a second per in-process synth of a stage, most of
 * it mapping each frame through source maps. A test that wants the traces sets CDC_ROUTING_TOKEN_TRACES=1.
 */
import { skipTokenStackTraces } from "../../app/token-stack-traces";

skipTokenStackTraces();
