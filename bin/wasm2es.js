#!/usr/bin/env node
// The command-line entry point; the CLI itself is compiled from src/cli/main.ts.
import { main } from '../dist/cli/main.js';

main(process.argv).catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exitCode = 70;
});
