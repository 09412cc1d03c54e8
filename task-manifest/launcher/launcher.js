'use strict';
// Starts the ecrflow runner for an Azure Pipelines task: finds Java 17+ on the agent, runs the jar
// that sits next to this file (unpacked from ecrflow-runner.jar.br on first use) with the task's
// command, and hands it the step's environment. Task inputs and the chosen service connection need no
// translating: the agent passes them as INPUT_<NAME> and ENDPOINT_* variables, which the runner reads
// itself. Of the job's service connections and secret variables only those the runner may use reach it.
//
// Plain Node (20 and later), no packages: the agent runs this file with its own Node handler, and
// every task folder carries its own copy, so a task is complete on its own.
//
// Java starts with flags chosen by measurement, and on agents that keep their tools directory with a
// start-up archive of the runner's classes made on the first step (docs/benchmark.md has the numbers).

const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const RUNNER_JAR = 'ecrflow-runner.jar';
// How the task folder carries the runner: Brotli-compressed, unpacked next to it on first use.
const PACKED_RUNNER = `${RUNNER_JAR}.br`;
// The inputs that choose an AWS service connection: ecrflow's own type, and the AWS Toolkit's under its name.
const CONNECTION_INPUTS = ['awsConnection', 'awsCredentials'];
// The job's own connection: its AccessToken is the job's System.AccessToken, which the runner needs only for
// OIDC tokens (workload identity federation) and Azure DevOps REST calls (queueing dependent pipelines,
// tagging the run, attaching a restricted task's run summary).
const JOB_CONNECTION = 'SYSTEMVSSCONNECTION';
// The same token, when a pipeline maps it into the step's env.
const JOB_TOKEN_VARIABLE = 'SYSTEM_ACCESSTOKEN';
// Inputs that have the runner call Azure DevOps with the job's token: a list when given, a switch when on. An
// images file's images may name dependents too, and the launcher does not read the file.
const JOB_TOKEN_LISTS = ['dependents', 'imagesFile'];
const JOB_TOKEN_SWITCHES = ['buildTags'];
// The runner's spellings of a boolean input that is on.
const TRUE_VALUES = ['true', 'yes', '1', 'on'];
// The scheme of a service connection that federates (OIDC): the runner asks Azure DevOps for its token.
const OIDC_SCHEME = 'none';
// How the agent hands a step its service connections (longest prefix first): each name goes on with the
// connection's id, alone or followed by _<FIELD>.
const ENDPOINT_PREFIXES = ['ENDPOINT_AUTH_PARAMETER_', 'ENDPOINT_AUTH_SCHEME_', 'ENDPOINT_AUTH_', 'ENDPOINT_DATA_', 'ENDPOINT_URL_'];
// Tells the runner the task's restrictions.commands.mode (task.json): "restricted" or "any".
const COMMAND_MODE_VARIABLE = 'ECRFLOW_COMMAND_MODE';
// Secret pipeline variables reach a step as SECRET_<NAME>; the runner reads only the AWS Toolkit's (AWS.*).
const RUNNER_SECRET_VARIABLES = 'SECRET_AWS_';
// Connection fields that name rather than prove (the access key id, the AWS Toolkit's role fields).
const NAMING_FIELDS = ['USERNAME', 'ASSUMEROLEARN', 'ROLE', 'ROLESESSIONNAME'];
const MINIMUM_JAVA = 17;
// C1 only: a run is over before C2's compilations pay back, and C2's threads compete with start-up for
// the agent's cores (login: 0.65 s to 0.50 s on JDK 17, 2 cores). Costly for hot loops such as
// SHA-256 over layers (7x slower), which the runner leaves to the engine.
const JAVA_FLAGS = ['-XX:TieredStopAtLevel=1'];
// From this version on the archive is a JEP 483 AOT cache; before it, an AppCDS dynamic archive.
const AOT_CACHE_JAVA = 25;
// The pipeline variable ecrflow.javaArchive, as the agent hands it to a step: auto, true or false.
const ARCHIVE_VARIABLE = 'ECRFLOW_JAVAARCHIVE';
const JAVA_INSTALLER_HINT = "add a Java tool installer step before this task: `- task: JavaToolInstaller@0` with "
    + "`versionSpec: '17'`, `jdkArchitectureOption: 'x64'` and `jdkSourceOption: 'PreInstalled'`";

/** A problem the user fixes in the pipeline; its message names what to change. */
class LauncherError extends Error {}

/**
 * Runs one runner command as this task step and exits with the runner's exit code.
 * options.aws: false for commands that never call AWS (no service connection is read).
 * options.onlyIfTaskVariable: skip quietly unless the main step left this task variable.
 */
function run(command, options) {
    const settings = Object.assign({ aws: true, onlyIfTaskVariable: null }, options);
    const env = new AgentEnvironment(process.env);
    try {
        if (settings.onlyIfTaskVariable && !env.taskVariable(settings.onlyIfTaskVariable)) {
            writeLine('Nothing to clean up: the main step of this task left nothing behind.');
            return;
        }
        const childEnv = runnerEnvironment(env, settings.aws);
        // the agent drops most logging commands of a task in restricted mode; the runner then hands its
        // summary on as an output instead of uploading it
        childEnv[COMMAND_MODE_VARIABLE] = taskCommandMode();
        const jar = runnerJar();
        const java = findJava(env);
        const archive = startupArchive(env, java, jar, command);
        const javaArgs = JAVA_FLAGS.concat(archive.flags, ['-jar', jar, command]);
        debug(env, `Running ${java.path} ${javaArgs.join(' ')}`);
        startRunner(java.path, javaArgs, childEnv, archive.finish);
    } catch (e) {
        if (!(e instanceof LauncherError)) {
            throw e;
        }
        fail(e.message);
    }
}

/**
 * The step's environment without the service connections and secret variables the runner has no use for:
 * the agent gives every step all the connections its inputs name, the job's own connection and every secret
 * variable of the job, and none of those but the chosen AWS connection's should reach the JVM; the job's
 * access token only when this step needs it.
 */
function runnerEnvironment(env, aws) {
    const chosen = aws ? CONNECTION_INPUTS.map((input) => env.input(input)).filter(Boolean) : [];
    const jobToken = aws && jobTokenNeeded(env, chosen);
    const handedOn = chosen.concat(jobToken ? [JOB_CONNECTION] : []);
    const kept = new Set(handedOn.map((id) => id.toUpperCase()));
    const childEnv = {};
    for (const name of Object.keys(process.env)) {
        const upper = name.toUpperCase();
        const prefix = ENDPOINT_PREFIXES.find((p) => upper.startsWith(p));
        if (prefix && !connectionKept(upper.slice(prefix.length), kept)) {
            continue;
        }
        if (upper.startsWith('SECRET_') && !upper.startsWith(RUNNER_SECRET_VARIABLES)) {
            continue;
        }
        if (upper === JOB_TOKEN_VARIABLE && !jobToken) {
            continue;
        }
        childEnv[name] = process.env[name];
    }
    registerSecretsHandedOn(childEnv, handedOn);
    if (aws && chosen.length === 0) {
        writeLine(`No AWS service connection chosen (input '${CONNECTION_INPUTS[0]}', or the AWS Toolkit's `
            + `'${CONNECTION_INPUTS[1]}'): the credentials come from the task's AWS credentials inputs, the AWS Toolkit's `
            + "AWS.* pipeline variables, or the agent's own (AWS_* environment variables, a profile, or the instance or "
            + 'container role).');
    }
    return childEnv;
}

/**
 * Whether the runner calls Azure DevOps with the job's access token in this step: to queue dependent
 * pipelines (given, or maybe in an images file), to tag the run, or to ask for the OIDC token of a connection that federates (the chosen one, or
 * the one oidcServiceConnectionId names); and in every step of a task in restricted command mode, to attach the run
 * summary, since the agent refuses task.uploadsummary to such a task.
 */
function jobTokenNeeded(env, chosen) {
    if (taskCommandMode() === 'restricted') {
        return true;
    }
    const federates = chosen.some((id) => (env.get(`ENDPOINT_AUTH_SCHEME_${id}`) || '').toLowerCase() === OIDC_SCHEME);
    return federates || Boolean(env.input('oidcServiceConnectionId'))
        || JOB_TOKEN_LISTS.some((input) => env.input(input))
        || JOB_TOKEN_SWITCHES.some((input) => TRUE_VALUES.includes((env.input(input) || '').toLowerCase()));
}

/**
 * Registers the secrets the runner is handed (the chosen connections' fields, the job's access token, the AWS
 * Toolkit's secret variables) before the launcher prints anything, even a step that ends before Java starts.
 * The runner registers them again as it starts, for runs without this launcher; the agent takes that as a no-op.
 */
function registerSecretsHandedOn(childEnv, handedOn) {
    const fieldPrefixes = handedOn.map((id) => `ENDPOINT_AUTH_PARAMETER_${id.toUpperCase()}_`);
    // sorted, so the log's order never depends on how the agent ordered the environment
    for (const name of Object.keys(childEnv).sort()) {
        const upper = name.toUpperCase();
        const field = fieldPrefixes.find((p) => upper.startsWith(p));
        const secret = field ? !NAMING_FIELDS.includes(upper.slice(field.length))
            : upper.startsWith(RUNNER_SECRET_VARIABLES) || upper === JOB_TOKEN_VARIABLE;
        if (secret && childEnv[name].trim()) {
            writeLine(`##vso[task.setsecret]${escapeMessage(childEnv[name])}`);
        }
    }
}

/** Whether the rest of an ENDPOINT_* name ("<ID>" or "<ID>_<FIELD>") belongs to a connection that is kept. */
function connectionKept(rest, kept) {
    for (const id of kept) {
        if (rest === id || rest.startsWith(`${id}_`)) {
            return true;
        }
    }
    return false;
}

/**
 * The newest Java 17+ among the agent's JAVA_HOME_<version>_<arch> installs, then JAVA_HOME, then
 * PATH. Each candidate's real version comes from `java -version`: names can lie.
 */
function findJava(env) {
    const rejected = [];
    for (const candidate of javaCandidates(env)) {
        const version = javaVersion(candidate.path);
        if (version === null) {
            rejected.push(`${candidate.source} (${candidate.path}) did not run`);
        } else if (version.major < MINIMUM_JAVA) {
            rejected.push(`${candidate.source} is Java ${version.major}`);
        } else {
            writeLine(`Using Java ${version.major} from ${candidate.source}: ${candidate.path}`);
            return { path: candidate.path, major: version.major, build: version.build };
        }
    }
    const looked = rejected.length ? ` Found only: ${rejected.join('; ')}.` : ' None of JAVA_HOME_<version>_X64, JAVA_HOME or PATH has one.';
    throw new LauncherError(`No Java ${MINIMUM_JAVA} or newer on this agent; ecrflow needs it.${looked} To fix it, ${JAVA_INSTALLER_HINT}.`);
}

function javaCandidates(env) {
    const executable = process.platform === 'win32' ? 'java.exe' : 'java';
    const candidates = [];
    const versioned = env.names()
        .map((name) => ({ name, match: /^JAVA_HOME_(\d+)_[A-Z0-9]+$/.exec(name) }))
        .filter((entry) => entry.match && Number(entry.match[1]) >= MINIMUM_JAVA)
        .sort((a, b) => Number(b.match[1]) - Number(a.match[1]));
    for (const entry of versioned) {
        candidates.push({ source: entry.name, path: path.join(env.get(entry.name), 'bin', executable) });
    }
    const javaHome = env.get('JAVA_HOME');
    if (javaHome) {
        candidates.push({ source: 'JAVA_HOME', path: path.join(javaHome, 'bin', executable) });
    }
    for (const dir of (env.get('PATH') || '').split(path.delimiter)) {
        if (dir) {
            candidates.push({ source: 'PATH', path: path.join(dir, executable) });
        }
    }
    const seen = new Set();
    return candidates.filter((candidate) => {
        const fresh = fs.existsSync(candidate.path) && !seen.has(candidate.path);
        seen.add(candidate.path);
        return fresh;
    });
}

/**
 * What `java -version` reports: the major version ("17.0.9" is 17, the old "1.8.0_392" is 8) and the
 * whole text, which names the exact build; null if it does not run.
 */
function javaVersion(javaPath) {
    const probe = childProcess.spawnSync(javaPath, ['-version'], { encoding: 'utf8', timeout: 30000 });
    if (probe.error || probe.status !== 0) {
        return null;
    }
    const text = `${probe.stderr}\n${probe.stdout}`;
    const version = /version "([^"]+)"/.exec(text);
    if (!version) {
        return null;
    }
    const parts = version[1].split(/[.\-+_]/);
    return { major: Number(parts[0] === '1' ? parts[1] : parts[0]), build: text.trim() };
}

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
            + `${__filename}. Reinstall the ecrflow extension.`);
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

/**
 * Streams the runner's output as it comes, passes cancellation on, and exits with its code after
 * finished(code, signal) has run.
 */
function startRunner(javaPath, javaArgs, childEnv, finished) {
    const runner = childProcess.spawn(javaPath, javaArgs, { stdio: 'inherit', env: childEnv });
    // The agent cancels a step with SIGINT, then SIGTERM: the runner must hear them to stop cleanly.
    const forward = (signal) => runner.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    let failedToStart = false;
    runner.on('error', (e) => {
        failedToStart = true;
        fail(`Could not start Java (${javaPath}): ${e.message}`);
    });
    runner.on('close', (code, signal) => {
        if (failedToStart) {
            return;
        }
        try {
            finished(code, signal);
        } catch (e) {
            // the archive only saves time: a problem with it never fails the step
            writeLine(`The Java start-up archive was not kept: ${e.message}`);
        }
        if (signal) {
            fail(`The ecrflow runner was stopped by ${signal}.`);
            return;
        }
        process.exitCode = code;
    });
}

/**
 * The step's environment as the agent builds it: names are upper-case there, while a service
 * connection id arrives in an input value in lower case, so every lookup ignores case.
 */
class AgentEnvironment {
    constructor(variables) {
        this.byName = new Map();
        for (const name of Object.keys(variables)) {
            const key = name.toUpperCase();
            if (!this.byName.has(key) || name === key) {
                this.byName.set(key, variables[name]);
            }
        }
    }

    names() {
        return Array.from(this.byName.keys());
    }

    /** A variable's value; undefined when unset or blank, as the agent sets declared inputs even when empty. */
    get(name) {
        const value = this.byName.get(name.toUpperCase());
        return value && value.trim() ? value.trim() : undefined;
    }

    input(name) {
        return this.get(`INPUT_${name}`);
    }

    /** A task variable the main step set with task.settaskvariable, as its post-job step receives it. */
    taskVariable(name) {
        return this.get(`VSTS_TASKVARIABLE_${name}`);
    }
}

function debug(env, message) {
    if ((env.get('SYSTEM_DEBUG') || '').toLowerCase() === 'true') {
        writeLine(`##[debug]${message}`);
    }
}

/** Ends the step as failed with one error that says what to fix. */
function fail(message) {
    writeLine(`##vso[task.logissue type=error;]${escapeMessage(message)}`);
    writeLine(`##vso[task.complete result=Failed;]${escapeMessage(message)}`);
    process.exitCode = 1;
}

/** Logging-command escaping as the agent decodes it ('%' first, so later escapes stay intact). */
function escapeMessage(text) {
    return String(text).replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Synchronous, so these lines come out before anything the runner prints. */
function writeLine(line) {
    fs.writeSync(1, `${line}\n`);
}

module.exports = { run };
