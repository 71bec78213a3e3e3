// Starts the real patter server with the offline demo agent behind a Twilio section, and
// runs simulated calls against it with `patter simulate`. Everything listens on 127.0.0.1.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DASHBOARD_TOKEN = "browser-test-token";
const TWILIO_TOKEN = "browser-test-twilio-token";
const PUBLIC_HOST = "agent.test";

function waitForLine(child, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}:\n${seen}`));
    });
  });
}

export class PatterServer {
  constructor({ patterBin, webRoot, agentFile }) {
    this.patterBin = patterBin;
    this.dir = mkdtempSync(join(tmpdir(), "patter-browser-"));
    const settings = [
      "server: {host: 127.0.0.1, port: 0}",
      "log: {level: info}",
      `dashboard: {database: ${JSON.stringify(join(this.dir, "calls.db"))}, token: ${DASHBOARD_TOKEN}, web_root: ${JSON.stringify(webRoot)}}`,
      // api_base_url points nowhere reachable: the test never talks to Twilio itself.
      `twilio: {public_host: ${PUBLIC_HOST}, phone_number: "+15550002222", configure_number: false, api_base_url: "http://127.0.0.1:9"}`,
    ].join("\n");
    this.configFile = join(this.dir, "serve.yaml");
    writeFileSync(this.configFile, `${settings}\n${readFileSync(agentFile, "utf8")}`);
    this.children = new Set();
  }

  async start() {
    const child = spawn(this.patterBin, ["serve", this.configFile], {
      env: { ...process.env, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.server = child;
    this.children.add(child);
    const [, port] = await waitForLine(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 20_000);
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  // Runs one simulated call; resolves with its report text when the caller hangs up.
  call(steps, { from = "+15550001111", to = "+15550002222" } = {}) {
    const script = join(this.dir, `call-${this.children.size}.yaml`);
    writeFileSync(script, JSON.stringify({ call: { from, to }, steps }));
    const child = spawn(
      this.patterBin,
      ["simulate", script, "--server", this.url, "--auth-token", TWILIO_TOKEN, "--public-host", PUBLIC_HOST, "--max-duration", "120"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.children.add(child);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve, reject) => {
      child.on("exit", (code) => {
        this.children.delete(child);
        if (code === 0) resolve(output);
        else reject(new Error(`patter simulate exited with ${code}:\n${output}`));
      });
    });
  }

  async api(path, init = {}) {
    const separator = path.includes("?") ? "&" : "?";
    return fetch(`${this.url}${path}${separator}token=${DASHBOARD_TOKEN}`, init);
  }

  async stop() {
    for (const child of this.children) {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
    if (this.server && this.server.exitCode === null) {
      await new Promise((resolve) => this.server.once("exit", resolve));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
