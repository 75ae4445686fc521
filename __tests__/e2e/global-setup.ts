/**
 * Before any end-to-end suite: Java must be there and the pinned jars fetched (first run: Maven downloads with
 * progress). A missing Java, Maven or jar fails the run here, loudly; nothing is skipped.
 */
import { ensureAll } from "../../local/jars";
import { javaCommand } from "../../local/processes";

export default async function globalSetup(): Promise<void> {
  javaCommand();
  await ensureAll();
}
