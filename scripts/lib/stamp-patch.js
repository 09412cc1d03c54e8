'use strict';
// Sets the patch number of the staged extension and of every staged task:
//   node stamp-patch.js STAGE_DIR PATCH
//
// Agents cache a task by its version and run a new build only when that version went up, so every
// release must raise it. A CI build number does that without editing the sources: the extension becomes
// MAJOR.MINOR.PATCH and each task keeps its Major and Minor (its Major is the @N in pipelines).
const fs = require('fs');
const path = require('path');

const [stage, patchText] = process.argv.slice(2);
if (!stage || !/^(0|[1-9][0-9]*)$/.test(patchText || '')) {
    process.stderr.write('usage: node stamp-patch.js STAGE_DIR PATCH (a whole number, e.g. the build id)\n');
    process.exit(2);
}
const patch = Number(patchText);

function rewrite(file, change) {
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    change(json);
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

rewrite(path.join(stage, 'vss-extension.json'), (manifest) => {
    const [major, minor] = String(manifest.version).split('.');
    manifest.version = `${major}.${minor}.${patch}`;
});
const tasks = path.join(stage, 'task-manifest');
for (const folder of fs.readdirSync(tasks)) {
    const manifest = path.join(tasks, folder, 'task.json');
    if (fs.existsSync(manifest)) {
        rewrite(manifest, (task) => {
            task.version.Patch = patch;
        });
    }
}
