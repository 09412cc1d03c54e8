'use strict';
// The runner's start-up archive on agents that keep their tools directory: made by a task's first step, used by
// every later one, replaced when Java, the runner or the task changes.

const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { LauncherError, writeLine } = require('./agent');
const { JAVA_FLAGS } = require('./java');
const { taskIdentity } = require('./task');

// From this version on the archive is a JEP 483 AOT cache; before it, an AppCDS dynamic archive.
const AOT_CACHE_JAVA = 25;

// The pipeline variable ecrflow.javaArchive, as the agent hands it to a step: auto, true or false.
const ARCHIVE_VARIABLE = 'ECRFLOW_JAVAARCHIVE';

/**
 * The runner's start-up archive for this Java build, task version and command: the classes a step
 * loads, already parsed and linked, kept under the agent's tools directory. It is made by the first
 * step that runs without one (that step is slower: it records what it loads, then the archive is
 * written and checked) and used by every later step. A JVM maps only an archive of its own build,
 * so none can be shipped with the task.
 *
 * Made only where it pays back: on self-hosted agents, which keep their tools directory. A
 * Microsoft-hosted agent starts empty every job, and a job runs too few ecrflow steps to win back
 * the second or more it costs. The pipeline variable ecrflow.javaArchive (true, false, auto) overrides.
 */
function startupArchive(env, java, jar, command) {
    const none = { flags: [], finish: () => {} };
    const choice = (env.get(ARCHIVE_VARIABLE) || 'auto').toLowerCase();
    if (!['auto', 'true', 'false'].includes(choice)) {
        throw new LauncherError(`The pipeline variable ecrflow.javaArchive is '${env.get(ARCHIVE_VARIABLE)}': use true, `
            + "false or auto (the default: only on self-hosted agents, which keep their tools directory).");
    }
    const tools = env.get('AGENT_TOOLSDIRECTORY');
    const selfHosted = env.get('AGENT_ISSELFHOSTED') === '1';
    if (!tools || choice === 'false' || (choice === 'auto' && !selfHosted)) {
        return none;
    }
    const aot = java.major >= AOT_CACHE_JAVA;
    const task = taskIdentity();
    const jarStat = fs.statSync(jar);
    const key = crypto.createHash('sha256')
        .update(JSON.stringify([java.path, java.build, jar, jarStat.size, jarStat.mtimeMs, JAVA_FLAGS, command]))
        .digest('hex').slice(0, 16);
    const folder = path.join(tools, 'ecrflow', task.name, task.version);
    const archive = path.join(folder, `${command}-${key}.${aot ? 'aot' : 'jsa'}`);
    // The JVM's own notes on archives (a class it cannot store, an archive it cannot map) stay out of the log.
    const quiet = aot ? ['-Xlog:aot=off', '-Xlog:cds=off'] : ['-Xlog:cds=off', '-Xlog:cds+dynamic=off'];

    if (fs.existsSync(archive)) {
        writeLine(`Starting Java with the start-up archive ${archive}`);
        return {
            flags: quiet.concat(aot ? [`-XX:AOTCache=${archive}`] : [`-XX:SharedArchiveFile=${archive}`]),
            finish: (code, signal) => {
                // A JVM that dies on an archive (a disk that changed it under us) must not do so twice.
                if (signal === 'SIGBUS' || signal === 'SIGSEGV' || code === 134) {
                    fs.rmSync(archive, { force: true });
                    writeLine(`##vso[task.logissue type=warning;]Java stopped abnormally with the start-up archive ${archive}; `
                        + 'it is removed, and the next step makes a new one.');
                }
            },
        };
    }
    try {
        fs.mkdirSync(folder, { recursive: true });
    } catch (e) {
        writeLine(`No Java start-up archive: the tools directory ${tools} is not writable (${e.message}).`);
        return none;
    }
    // Partial names per process, renamed once complete and checked: agents sharing a machine never
    // see half an archive (JDK 17 crashes on a truncated one).
    const partial = `${archive}.${process.pid}.partial`;
    const configuration = `${partial}.config`;
    writeLine(`Making a Java start-up archive for later steps of this task on this agent (once per Java and task `
        + `version; this step is slower): ${archive}`);
    const recording = aot ? ['-XX:AOTMode=record', `-XX:AOTConfiguration=${configuration}`] : [`-XX:ArchiveClassesAtExit=${partial}`];
    return {
        flags: quiet.concat(recording),
        finish: (code) => {
            try {
                if (code === 0) {
                    completeArchive(java, jar, quiet, aot, configuration, partial, archive);
                }
            } finally {
                fs.rmSync(configuration, { force: true });
                fs.rmSync(partial, { force: true });
            }
        },
    };
}

/** Turns what the first step recorded into the archive (JDK 25+), checks that Java maps it, and publishes it. */
function completeArchive(java, jar, quiet, aot, configuration, partial, archive) {
    const quietly = { stdio: 'ignore', timeout: 120000 };
    if (aot && fs.existsSync(configuration)) {
        childProcess.spawnSync(java.path, JAVA_FLAGS.concat(quiet, ['-XX:AOTMode=create',
            `-XX:AOTConfiguration=${configuration}`, `-XX:AOTCache=${partial}`, '-jar', jar]), quietly);
    }
    const use = aot ? ['-XX:AOTMode=on', `-XX:AOTCache=${partial}`] : ['-Xshare:on', `-XX:SharedArchiveFile=${partial}`];
    const check = fs.existsSync(partial)
        && childProcess.spawnSync(java.path, JAVA_FLAGS.concat(quiet, use, ['-jar', jar, '--version']), quietly).status === 0;
    if (check) {
        fs.renameSync(partial, archive);
        writeLine(`Java start-up archive ready: ${archive}`);
        removeOutdatedArchives(archive);
    } else {
        writeLine('The Java start-up archive could not be made with this Java; later steps start without one.');
    }
}

/**
 * Once a new archive is in place, the ones it replaces go: the archives of other versions of this task (their
 * folders beside this version's) and this command's archives for another Java build or runner jar. Another
 * command's archive stays, and so does a partial one another step is writing. An archive a running step has
 * mapped can go too: the JVM keeps its mapping. A file that cannot be removed is left for the next time.
 */
function removeOutdatedArchives(archive) {
    const versionFolder = path.dirname(archive);
    const taskFolder = path.dirname(versionFolder);
    const command = path.basename(archive).replace(/-[0-9a-f]{16}\.(aot|jsa)$/, '');
    const removed = [];
    const remove = (file, options) => {
        try {
            fs.rmSync(file, options);
            removed.push(file);
        } catch (e) {
            // in use or not ours to remove: the archive only saves time
        }
    };
    for (const entry of fs.readdirSync(taskFolder, { withFileTypes: true })) {
        const folder = path.join(taskFolder, entry.name);
        if (entry.isDirectory() && folder !== versionFolder && /^\d+\.\d+\.\d+$/.test(entry.name)) {
            remove(folder, { recursive: true, force: true });
        }
    }
    const ownArchive = new RegExp(`^${command.replace(/[^a-z-]/g, '')}-[0-9a-f]{16}\\.(aot|jsa)$`);
    for (const name of fs.readdirSync(versionFolder)) {
        const file = path.join(versionFolder, name);
        if (file !== archive && ownArchive.test(name)) {
            remove(file, { force: true });
        }
    }
    if (removed.length > 0) {
        writeLine(`Removed ${removed.length} outdated start-up archive${removed.length === 1 ? '' : 's'}: `
            + removed.join(', '));
    }
}

module.exports = { startupArchive };
