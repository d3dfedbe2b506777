/**
 * The serializable provider shim. Pulumi serializes a dynamic provider object into the state as
 * module text and the provider host runs it with plain node. So every method captures NOTHING
 * but the implementation's module specifier (e.g. `"bioxen-luavm/provider/impl/xcpng-lua-vm"`)
 * and `require()`s it inside the call; the host resolves it from the program folder's
 * node_modules. No config, credential or live object is captured.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds a dynamic provider whose methods delegate to the module `implementation` (which exports
 * `configure`, `check`, `diff`, `create`, `read`, `update`, `delete`): a package subpath, or an
 * absolute path. Build ONE per resource kind and share it, so Pulumi serializes it once.
 * (The parameter is not called `implSpecifier`: that would shadow the export below, and Pulumi
 * would serialize it under a renamed variable.)
 */
export function dynamicProvider(implementation: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require(implementation).configure(req);
    },
    async check(olds, news) {
      return require(implementation).check(olds, news);
    },
    async diff(id, olds, news) {
      return require(implementation).diff(id, olds, news);
    },
    async create(inputs) {
      return require(implementation).create(inputs);
    },
    async read(id, props) {
      return require(implementation).read(id, props);
    },
    async update(id, olds, news) {
      return require(implementation).update(id, olds, news);
    },
    async delete(id, props) {
      return require(implementation).delete(id, props);
    },
  };
}

/** The package subpath of an implementation module: `bioxen-luavm/provider/impl/<file>`. */
export function implSpecifier(file: string): string {
  return `bioxen-luavm/provider/impl/${file}`;
}
