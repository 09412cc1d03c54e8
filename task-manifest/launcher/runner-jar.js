'use strict';
// The runner jar next to the launcher, which the task folder carries packed.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { LauncherError, writeLine } = require('./agent');

const RUNNER_JAR = 'ecrflow-runner.jar';

// How the task folder carries the runner: Brotli-compressed, unpacked next to it on first use.
const PACKED_RUNNER = `${RUNNER_JAR}.br`;

/**
 * The runner jar next to this file, unpacked from its compressed copy the first time this task version
 * runs on the agent (the agent keeps each task version's folder, so later steps reuse it). It is written
 * under a temporary name and renamed, so a step cancelled half-way, or two agents on one machine racing,
 * never leave a broken jar behind.
 */
function runnerJar() {
    const jar = path.join(__dirname, RUNNER_JAR);
    if (fs.existsSync(jar)) {
        return jar;
    }
    const packed = path.join(__dirname, PACKED_RUNNER);
    if (!fs.existsSync(packed)) {
        throw new LauncherError(`The task folder is incomplete: neither ${RUNNER_JAR} nor ${PACKED_RUNNER} is next to `
            + `${path.join(__dirname, 'launcher.js')}. Reinstall the ecrflow extension.`);
    }
    let contents;
    try {
        contents = zlib.brotliDecompressSync(fs.readFileSync(packed));
    } catch (e) {
        throw new LauncherError(`The task folder is damaged: ${packed} could not be unpacked (${e.message}). Delete `
            + "this task's folder under the agent's _work/_tasks so that the agent downloads it again.");
    }
    writeLine(`Unpacking the ecrflow runner (${Math.round(contents.length / 1048576)} MB): the first step of this `
        + 'task version on this agent does this once.');
    const partial = `${jar}.${process.pid}.partial`;
    try {
        fs.writeFileSync(partial, contents);
        fs.renameSync(partial, jar);
    } catch (e) {
        fs.rmSync(partial, { force: true });
        throw new LauncherError(`Could not unpack the ecrflow runner into the task folder ${__dirname}: ${e.message}. `
            + 'The agent must be able to write to its _work/_tasks folder.');
    }
    return jar;
}

module.exports = { runnerJar };
