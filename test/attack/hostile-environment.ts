/**
 * A valid environment file with one string field (or one key) replaced, for the hostile-input
 * test. Written as JSON, which environment files accept, so every string arrives exactly.
 */

const BASE = {
  version: 1,
  connections: { pool: { url: "https://pool.example.org", username: "root", password: { env: "POOL_PASSWORD" }, tls: { caFile: "certs/ca.pem" } } },
  networks: { backend: { connection: "pool", description: "d", vlan: { pifDevice: "eth0", tag: 5 } } },
  vms: {
    node: {
      connection: "pool",
      template: "tpl",
      networks: [{ poolNetwork: "Pool-wide network associated with eth0" }, "backend"],
      ssh: { user: "root", privateKey: { env: "SSH_KEY" } },
      lua: "lua5.4",
      tags: ["t"],
      packages: [{ name: "alpha", version: "1.0-1", servers: ["https://rocks.example.org"], tree: "/opt/tree" }],
    },
  },
  local: { dev: { interpreter: "lua5.4", tree: "lua_modules" } },
  packages: [{ name: "beta", constraint: ">= 1.0", local: ["dev"] }],
};

/** Dotted paths of the string fields replaced; "key:<path>" replaces the last key of the path. */
export const ENVIRONMENT_FIELDS = [
  "connections.pool.url",
  "connections.pool.username",
  "connections.pool.password.env",
  "connections.pool.tls.caFile",
  "networks.backend.description",
  "networks.backend.vlan.pifDevice",
  "vms.node.template",
  "vms.node.networks.0.poolNetwork",
  "vms.node.ssh.user",
  "vms.node.lua",
  "vms.node.tags.0",
  "vms.node.packages.0.name",
  "vms.node.packages.0.version",
  "vms.node.packages.0.servers.0",
  "vms.node.packages.0.tree",
  "local.dev.interpreter",
  "local.dev.tree",
  "packages.0.constraint",
  "key:vms.node",
  "key:networks.backend",
  "key:local.dev",
] as const;

/** The environment file text with `value` at `field`. */
export function environmentWith(field: (typeof ENVIRONMENT_FIELDS)[number], value: string): string {
  const copy = structuredClone(BASE) as Record<string, any>;
  const isKey = field.startsWith("key:");
  const keys = (isKey ? field.slice(4) : field).split(".");
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key];
  const last = keys.at(-1)!;
  if (isKey) {
    const entry = at[last];
    delete at[last];
    at[value] = entry;
  } else {
    at[last] = value;
  }
  return JSON.stringify(copy);
}
