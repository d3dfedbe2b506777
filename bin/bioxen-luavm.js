#!/usr/bin/env node
// Runs the compiled command line (`bioxen-luavm repl|lock|check …`); `npm install` builds dist/ through the prepare script.
require("../dist/cli/main.js").main(process.argv.slice(2));
