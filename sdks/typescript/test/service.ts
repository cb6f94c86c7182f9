// Runs the real `flashsale` binary (embedded profile) on a free port for one test file, with its
// own token secret and payment webhook secret, a demo sale of 3 units and a small per-buyer rate
// limit.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const BIN = process.env.FLASHSALE_BIN ?? path.join(ROOT, "target/debug/flashsale");

export const DEMO_PRODUCT = "demo-phone";
export const DEMO_STOCK = 3;
export const PER_USER_BURST = 3;

export interface Service {
  baseUrl: string;
  /** The secret the payment provider signs its webhook requests with (random per service). */
  webhookSecret: string;
  /** A bearer token for `sub`, minted by `flashsale mint-token` with the service's secret. */
  mint(sub: string): string;
  stop(): Promise<void>;
}

export async function startService(): Promise<Service> {
  const webhookSecret = randomBytes(32).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLASHSALE_PROFILE: "embedded",
    // The shipped storage (a database file), fresh for these tests.
    FLASHSALE__EMBEDDED__PATH: path.join(mkdtempSync(path.join(tmpdir(), "flashsale-sdk-")), "flashsale.db"),
    FLASHSALE__HTTP__BIND: "127.0.0.1:0",
    FLASHSALE__AUTH__TOKEN_SECRET: randomBytes(32).toString("hex"),
    FLASHSALE__PAYMENTS__WEBHOOK_SECRET: webhookSecret,
    FLASHSALE__DEMO__STOCK: String(DEMO_STOCK),
    FLASHSALE__RATE_LIMIT__PER_USER_BURST: String(PER_USER_BURST),
    FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND: "0.01",
    FLASHSALE__LOG__FORMAT: "json",
  };
  delete env.RUST_LOG;
  const child: ChildProcess = spawn(BIN, [], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  const log: string[] = [];
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address logged in 30 s:\n${log.join("\n")}`)), 30_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`flashsale exited (${code}):\n${log.join("\n")}`)));
    createInterface({ input: child.stderr! }).on("line", (line) => {
      log.push(line);
      const found = /listening on (http:\/\/[^\s"]+)/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  }).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    baseUrl,
    webhookSecret,
    mint: (sub) => execFileSync(BIN, ["mint-token", "--sub", sub], { cwd: ROOT, env }).toString().trim(),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}
