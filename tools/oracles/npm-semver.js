// Orders version pairs with npm's semver package (strict mode), for
// Palisade's differential tests: reads "A<TAB>B" lines, writes -1, 0, 1 or
// "error". argv[2]: the folder semver is installed in.
const semver = require(require('path').join(process.argv[2], 'node_modules', 'semver'));
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const out = lines.map((line) => {
  const tab = line.indexOf('\t');
  try {
    return String(semver.compare(line.slice(0, tab), line.slice(tab + 1)));
  } catch (e) {
    return 'error';
  }
});
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
