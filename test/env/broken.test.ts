import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvironmentError, checkEnvironment, formatIssue, loadEnvironmentFile, parseEnvironment } from "../../sdk/env";
import { FIXTURES } from "./helpers";

/**
 * Every broken fixture and the exact messages it must produce (file:line:column: path: message).
 * Messages name the file as the caller gave it; here "broken/<file>".
 */
const EXPECTED: Record<string, string[]> = {
  "bad-constraint.yaml": [
    "broken/bad-constraint.yaml:6:17: packages[0].constraint: invalid constraint \"=> 3.0\": a constraint is comma-separated \"<op> <version>\" terms with op one of == ~= <= >= < > ~>, e.g. \">= 1.0, < 2\"",
  ],
  "bad-count.json": [
    "broken/bad-count.json:10:16: vms.web.count: expected an integer from 0 to 100, got -1",
  ],
  "bad-name.yaml": [
    "broken/bad-name.yaml:3:3: local.Dev_Box: invalid name \"Dev_Box\": expected a name of 1-40 characters: a lower-case letter, then lower-case letters, digits, '-' or '_'",
  ],
  "bad-power-state.yaml": [
    "broken/bad-power-state.yaml:8:17: vms.web.powerState: expected one of \"running\", \"halted\", got \"paused\"",
  ],
  "bad-rock-name.yaml": [
    "broken/bad-rock-name.yaml:5:15: local.dev.packages[0].name: expected a rock name of 1-100 characters: lower-case letters, digits, '.', '-' and '_', starting with a letter or digit, got \"LuaSocket\"",
  ],
  "bad-rock-version.yaml": [
    "broken/bad-rock-version.yaml:6:18: local.dev.packages[0].version: invalid version \"1.1 beta\": a version is dot-separated letters/digits with an optional \"-<revision>\", e.g. \"1.2\" or \"1.2-1\"",
  ],
  "cloud-init-host-key.yaml": [
    "broken/cloud-init-host-key.yaml:11:16: vms.web.cloudInit.hostKey: expected one of \"generate\", \"template\", got \"pinned\"",
  ],
  "cloud-init-password.yaml": [
    "broken/cloud-init-password.yaml:14:19: vms.web.cloudInit.extraUserData.chpasswd: would set a password; this generator only grants SSH keys",
  ],
  "cloud-init-raw-user-data.yaml": [
    "broken/cloud-init-raw-user-data.yaml:11:17: vms.web.cloudInit.userData: raw user-data carries no host key the deployment generated, and a file cannot pin one: set hostKey: template to trust the key the VM first presents, or leave userData out",
  ],
  "cloud-init-shared-hostname.yaml": [
    "broken/cloud-init-shared-hostname.yaml:12:17: vms.web.cloudInit.hostname: every one of the 2 instances would be named \"web\"; leave hostname out (each instance gets its own name)",
  ],
  "count-not-integer.yaml": [
    "broken/count-not-integer.yaml:8:12: vms.worker.count: expected an integer, got \"three\"",
  ],
  "count-out-of-range.yaml": [
    "broken/count-out-of-range.yaml:8:12: vms.worker.count: expected an integer from 0 to 100, got 500",
  ],
  "duplicate-instance.yaml": [
    "broken/duplicate-instance.yaml:11:3: vms.web-1: VM name \"web-1\" clashes with instance 1 of vms.web (count: 2), which is also named \"web-1\"; rename one of them",
  ],
  "duplicate-key.yaml": [
    "broken/duplicate-key.yaml:4:3: duplicate key \"dev\"; each key may appear only once in a mapping",
  ],
  "duplicate-package.yaml": [
    "broken/duplicate-package.yaml:14:5: packages[0]: package \"luasocket\" is already declared for worker-0, worker-1 by vms.worker.packages[0] (broken/duplicate-package.yaml:11:9); declare each package once per VM or local installation",
  ],
  "empty.yaml": [
    "broken/empty.yaml:1:1: the file is empty; expected a mapping that starts with `version: 1`",
  ],
  "inline-password.yaml": [
    "broken/inline-password.yaml:6:15: connections.lab.password: an inline secret is not allowed; reference it instead: {config: \"bioxen:<key>\"} (stored with `pulumi config set --secret bioxen:<key>`) or {env: \"<VARIABLE>\"}",
  ],
  "inline-ssh-key.yaml": [
    "broken/inline-ssh-key.yaml:10:19: vms.web.ssh.privateKey: an inline secret is not allowed; reference it instead: {config: \"bioxen:<key>\"} (stored with `pulumi config set --secret bioxen:<key>`) or {env: \"<VARIABLE>\"}",
  ],
  "missing-template.yaml": [
    "broken/missing-template.yaml:5:3: vms.web: missing required property \"template\" (the template to clone; not needed with adopt)",
  ],
  "network-other-pool.yaml": [
    "broken/network-other-pool.yaml:12:20: vms.web.networks[0].network: network \"backend\" is on connection \"prod\" but this VM is on \"lab\"; a VM can only use networks of its own pool",
  ],
  "selector-matches-nothing.yaml": [
    "broken/selector-matches-nothing.yaml:13:11: packages[0].vms[0]: \"web-*\" matches no VM; expected a VM name (worker), an instance name such as worker-0, or a glob matching one",
  ],
  "syntax-error.yaml": [
    "broken/syntax-error.yaml:5:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
  "unknown-connection.yaml": [
    "broken/unknown-connection.yaml:6:17: vms.web.connection: unknown connection \"labs\"; expected one of: lab (under connections)",
  ],
  "unknown-network.yaml": [
    "broken/unknown-network.yaml:10:25: vms.web.networks[1]: unknown network \"backnd\"; expected one of: backend (under networks)",
  ],
  "unknown-property.yaml": [
    "broken/unknown-property.yaml:8:5: vms.web.memory: unknown property \"memory\" (did you mean \"memoryMiB\"?); expected one of: connection, template, cloneMode, sr, adopt, count, vcpus, memoryMiB, diskGiB, networks, ssh, lua, tags, powerState, cloudInit, allowRestart, maxVcpus, maxMemoryMiB, disks, description, rebootTrigger, timeouts, affinityHost, profile, packages",
  ],
  "url-with-credentials.yaml": [
    "broken/url-with-credentials.yaml:4:10: connections.lab.url: credentials in the URL are not allowed; expected https://host[:port] with the user in username and the password as {config: …} or {env: …}",
  ],
  "vm-without-networks.yaml": [
    "broken/vm-without-networks.yaml:5:3: vms.web: missing required property \"networks\" (networks the VM gets a VIF on, in device order (1-7; the first carries the SSH address))",
  ],
  "version-and-constraint.yaml": [
    "broken/version-and-constraint.yaml:7:21: local.dev.packages[0].constraint: give either version (an exact pin) or constraint (a range), not both",
  ],
  "wrong-format-version.yaml": [
    "broken/wrong-format-version.yaml:1:10: version: expected version: 1 (the only format version this bioxen-luavm reads), got 2",
  ],
};

const BROKEN = join(FIXTURES, "broken");

describe("broken environment files", () => {
  it("every fixture in broken/ has its expected messages listed here", () => {
    expect(readdirSync(BROKEN).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s reports exactly its problem with file, line and column", (file, messages) => {
    const result = checkEnvironment(readFileSync(join(BROKEN, file), "utf8"), `broken/${file}`);
    expect(result.spec).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual(messages);
  });

  it("never repeats an inline secret or URL credentials in messages", () => {
    const texts = ["inline-password.yaml", "inline-ssh-key.yaml", "url-with-credentials.yaml"].map((file) =>
      checkEnvironment(readFileSync(join(BROKEN, file), "utf8"), file).issues.map(formatIssue).join("\n"),
    );
    expect(texts.join("\n")).not.toMatch(/hunter2|BEGIN OPENSSH|b3BlbnNzaC|secret@/);
  });

  it("parseEnvironment throws one EnvironmentError listing every problem of the file", () => {
    const text = "version: 1\nlocal:\n  dev:\n    interpreter: 'lua 5.4'\n    packages: [{ name: lpeg, versoin: '1.0' }]\n";
    let caught: unknown;
    try {
      parseEnvironment(text, "envs/dev.yaml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvironmentError);
    const error = caught as EnvironmentError;
    expect(error.issues.map(formatIssue)).toEqual([
      `envs/dev.yaml:4:18: local.dev.interpreter: expected a command name such as "lua5.4" or an absolute path, got "lua 5.4"`,
      `envs/dev.yaml:5:30: local.dev.packages[0].versoin: unknown property "versoin" (did you mean "version"?); expected one of: name, version, constraint, servers, tree`,
    ]);
    expect(error.message).toBe(`environment file envs/dev.yaml has 2 problems:\n${error.issues.map(formatIssue).join("\n")}`);
  });

  it("loadEnvironmentFile names the file as given, and says what to do when it cannot be read", async () => {
    const path = join(BROKEN, "unknown-connection.yaml");
    await expect(loadEnvironmentFile(path)).rejects.toThrow(`${path}:6:17: vms.web.connection: unknown connection "labs"`);
    await expect(loadEnvironmentFile(join(BROKEN, "missing.yaml"))).rejects.toThrow(
      /^cannot read environment file .*missing\.yaml: ENOENT.*; set stack config bioxen:environment to the path of a YAML or JSON environment file$/,
    );
  });

  it("a VM needs 1 to 7 networks, as XcpngLuaVM does", () => {
    const vm = (networks: string) =>
      `version: 1\nconnections:\n  lab: { url: https://pool.example.org, username: root, password: { env: P } }\nvms:\n  web: { connection: lab, template: t, networks: ${networks}, ssh: { user: lua, privateKey: { env: K } } }\n`;
    const pool = (n: number) => `[${Array(n).fill("{ poolNetwork: eth0 }").join(", ")}]`;
    expect(checkEnvironment(vm("[]"), "n.yaml").issues.map(formatIssue)).toEqual(["n.yaml:5:50: vms.web.networks: expected a list of at least 1 item, got an empty list"]);
    expect(checkEnvironment(vm(pool(8)), "n.yaml").issues.map(formatIssue)).toEqual(["n.yaml:5:50: vms.web.networks: expected at most 7 items, got 8"]);
    expect(checkEnvironment(vm(pool(7)), "n.yaml").issues).toEqual([]);
  });

  it("says how a file must start when it is not a mapping or lacks its version", () => {
    expect(checkEnvironment("- web\n", "list.yaml").issues.map(formatIssue)).toEqual(["list.yaml:1:1: expected a mapping that starts with `version: 1`, got a list"]);
    expect(checkEnvironment("local:\n  dev: {}\n", "noversion.yaml").issues.map(formatIssue)).toEqual([
      "noversion.yaml:1:1: missing `version: 1` (the format version); add it as the first line",
    ]);
  });

  it("reports a second YAML document and an alias bomb instead of reading them", () => {
    expect(checkEnvironment("version: 1\n---\nversion: 1\n", "two.yaml").issues.map(formatIssue)).toEqual([
      "two.yaml:3:1: expected one YAML document, found a second one (remove the `---` separator)",
    ]);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => {
      const name = String.fromCharCode(98 + i);
      const prev = String.fromCharCode(97 + i);
      return `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`;
    })].join("\n");
    const issues = checkEnvironment(bomb, "bomb.yaml").issues.map(formatIssue);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^bomb\.yaml:1:1: the file cannot be read as data: .*alias/i);
  });
});
