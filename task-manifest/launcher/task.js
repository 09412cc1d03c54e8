'use strict';
// The task.json next to the launcher: every task folder carries its own copy of these files.

const fs = require('fs');
const path = require('path');

/** The task's name and version from the task.json next to this file, which name the archive's folder. */
function taskIdentity() {
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'task.json'), 'utf8'));
        const v = manifest.version || {};
        return { name: String(manifest.name), version: `${v.Major}.${v.Minor}.${v.Patch}` };
    } catch (e) {
        return { name: 'ecrflow', version: 'unknown' };
    }
}

/** The command mode the task.json next to this file declares; the agent's default is "any". */
function taskCommandMode() {
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'task.json'), 'utf8'));
        return ((manifest.restrictions || {}).commands || {}).mode || 'any';
    } catch (e) {
        return 'any';
    }
}

module.exports = { taskCommandMode, taskIdentity };
