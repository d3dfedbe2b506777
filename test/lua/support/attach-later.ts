/**
 * A later client in its own process: attaches to an attachable session, evaluates one chunk and
 * prints `{ values, stdout, events }` as JSON. Usage (from the repository root):
 *   tsx test/lua/support/attach-later.ts <interpreter> <dir> <namespace> <name> <code>
 * With BIOXEN_TEST_SSH set (JSON sshTarget options) it connects over SSH, else locally.
 */
import { LuaSessionHost } from "../../../sdk/lua";
import { closeAllSshConnections, sshTarget, type SshTargetOptions } from "../../../sdk/ssh";
import { localTarget } from "../../../sdk/target";

async function main(): Promise<void> {
  const [interpreter, dir, namespace, name, code] = process.argv.slice(2) as [string, string, string, string, string];
  const ssh = process.env.BIOXEN_TEST_SSH;
  const target = ssh ? sshTarget(JSON.parse(ssh) as SshTargetOptions) : localTarget();
  try {
    const host = new LuaSessionHost(target, interpreter, { namespace, dir, timeoutMs: 30_000 });
    const session = await host.attach(name);
    const earlier = await session.read({ until: "done" });
    const result = await session.eval(code);
    await session.detach();
    const types = [...earlier, ...result.events].map((event) => event.type);
    process.stdout.write(JSON.stringify({ values: result.values, earlier: earlier.flatMap((e) => ("text" in e ? [e.text] : [])), types }));
  } finally {
    await closeAllSshConnections();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
