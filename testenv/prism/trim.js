// Trims GitHub's OpenAPI description to the webhook paths the tests use:
// every path under /repos/{owner}/{repo} or /orgs/{org} that contains
// /hooks, plus the #/components entries they reach (transitively), so prism
// starts in a second instead of parsing 13 MB. Usage: node trim.js IN OUT
'use strict';
const fs = require('fs');
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node trim.js api.github.com.json OUT.json');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(input, 'utf8'));
const paths = {};
for (const [path, item] of Object.entries(spec.paths)) {
  if ((path.startsWith('/repos/') || path.startsWith('/orgs/')) && path.includes('/hooks')) {
    paths[path] = item;
  }
}
// Follow "$ref": "#/components/<section>/<name>" until nothing new is reached.
const kept = {};
const pending = [paths];
const seen = new Set();
while (pending.length > 0) {
  const node = pending.pop();
  if (node === null || typeof node !== 'object') continue;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !seen.has(value)) {
      seen.add(value);
      const [hash, components, section, name, ...rest] = value.split('/');
      if (hash !== '#' || components !== 'components' || rest.length > 0) {
        throw new Error(`unexpected $ref ${value}`);
      }
      const target = spec.components[section][name];
      if (target === undefined) throw new Error(`dangling $ref ${value}`);
      (kept[section] = kept[section] || {})[name] = target;
      pending.push(target);
    } else {
      pending.push(value);
    }
  }
}
const trimmed = { ...spec, paths, components: kept };
delete trimmed['x-webhooks'];
delete trimmed.webhooks;
fs.writeFileSync(output, JSON.stringify(trimmed, null, 1));
console.error(`${Object.keys(paths).length} paths, ${seen.size} components`);
