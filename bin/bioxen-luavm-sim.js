#!/usr/bin/env node
// Runs the compiled simulator CLI; `npm install` builds dist/ through the prepare script.
require("../dist/sim/cli.js").main(process.argv.slice(2));
