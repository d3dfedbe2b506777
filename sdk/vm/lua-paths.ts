/**
 * Environment that makes Lua `require` look in a LuaRocks tree first, then in the default
 * places (";;"). Both the generic and the per-version names are set, because Lua ≥ 5.2 reads
 * `LUA_PATH_5_x` before `LUA_PATH` and a caller's environment may carry either.
 * @param tree root of the rocks tree
 * @param languageVersion "5.1" … "5.4"
 */
export function treeLuaPathEnv(tree: string, languageVersion: string): Record<string, string> {
  const root = tree.replace(/(.)\/+$/, "$1");
  const path = `${root}/share/lua/${languageVersion}/?.lua;${root}/share/lua/${languageVersion}/?/init.lua;;`;
  const cpath = `${root}/lib/lua/${languageVersion}/?.so;;`;
  const suffix = languageVersion.replace(".", "_");
  return { LUA_PATH: path, LUA_CPATH: cpath, [`LUA_PATH_${suffix}`]: path, [`LUA_CPATH_${suffix}`]: cpath };
}
