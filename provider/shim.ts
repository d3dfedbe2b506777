/**
 * The serializable provider shim. Pulumi serializes a dynamic provider object into the state as
 * module text and the provider host runs it with plain node. So every method captures NOTHING
 * but the implementation's module specifier (e.g. `"bioxen-luavm/provider/impl/xcpng-lua-vm"`)
 * and `require()`s it inside the call; the host resolves it from the program folder's
 * node_modules. No config, credential or live object is captured.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds a dynamic provider whose methods delegate to the module `implSpecifier`
 * (which exports `configure`, `check`, `diff`, `create`, `read`, `update`, `delete`).
 * Build ONE per resource kind and share it, so Pulumi serializes it once.
 */
export function dynamicProvider(implSpecifier: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require(implSpecifier).configure(req);
    },
    async check(olds, news) {
      return require(implSpecifier).check(olds, news);
    },
    async diff(id, olds, news) {
      return require(implSpecifier).diff(id, olds, news);
    },
    async create(inputs) {
      return require(implSpecifier).create(inputs);
    },
    async read(id, props) {
      return require(implSpecifier).read(id, props);
    },
    async update(id, olds, news) {
      return require(implSpecifier).update(id, olds, news);
    },
    async delete(id, props) {
      return require(implSpecifier).delete(id, props);
    },
  };
}

/** The package subpath of an implementation module: `bioxen-luavm/provider/impl/<file>`. */
export function implSpecifier(file: string): string {
  return `bioxen-luavm/provider/impl/${file}`;
}
