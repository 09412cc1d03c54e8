'use strict';
// Starts the ecrflow runner for an Azure Pipelines task: finds Java 17+ on the agent, runs the jar
// that sits next to this file (unpacked from ecrflow-runner.jar.br on first use) with the task's
// command, and hands the AWS service connection to it
// through the environment (never the command line). Task inputs need no translating: the agent
// passes them as INPUT_<NAME> variables, which the runner reads itself.
//
// Plain Node (16 and later), no packages: the agent runs this file with its own Node handler, and
// every task folder carries its own copy, so a task is complete on its own.

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const RUNNER_JAR = 'ecrflow-runner.jar';
// How the task folder carries the runner: Brotli-compressed, unpacked next to it on first use.
const PACKED_RUNNER = `${RUNNER_JAR}.br`;
const CONNECTION_INPUT = 'awsConnection';
// The service connection's schemes, as the agent names them in ENDPOINT_AUTH_SCHEME_<ID> (lower-cased).
const KEYS_SCHEME = 'usernamepassword';
const OIDC_SCHEME = 'none';
// Optional data of the service connection, each also a task input of the same name that wins over it.
const ROLE_FIELDS = ['roleArn', 'externalId', 'roleSessionName'];
const MINIMUM_JAVA = 17;
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
        const childEnv = Object.assign({}, process.env);
        if (settings.aws) {
            useServiceConnection(env, childEnv);
        }
        const jar = runnerJar();
        const java = findJava(env);
        debug(env, `Running ${java.path} -jar ${jar} ${command}`);
        startRunner(java.path, jar, command, childEnv);
    } catch (e) {
        if (!(e instanceof LauncherError)) {
            throw e;
        }
        fail(e.message);
    }
}

/**
 * With a service connection chosen, it alone decides who the runner is: access keys become the AWS
 * SDK's standard variables (replacing any the agent machine has), a workload identity federation
 * connection becomes the runner's oidcServiceConnectionId, and the role the connection names fills
 * the role inputs the task leaves empty. Secrets are registered with the agent before anything else
 * is printed. Without a connection the runner uses the agent's own AWS credentials.
 */
function useServiceConnection(env, childEnv) {
    const connectionId = env.input(CONNECTION_INPUT);
    if (!connectionId) {
        writeLine(`No AWS service connection chosen (input '${CONNECTION_INPUT}'): the credentials come from the `
            + "task's AWS credentials inputs or the agent's own (AWS_* environment variables, a profile, or the "
            + 'instance or container role).');
        return;
    }
    const connection = readServiceConnection(env, connectionId);
    if (connection.keys) {
        registerSecret(connection.keys.secretAccessKey);
        registerSecret(connection.keys.sessionToken);
    }
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']) {
        removeAnyCase(childEnv, name);
    }
    if (connection.keys) {
        childEnv.AWS_ACCESS_KEY_ID = connection.keys.accessKeyId;
        childEnv.AWS_SECRET_ACCESS_KEY = connection.keys.secretAccessKey;
        if (connection.keys.sessionToken) {
            childEnv.AWS_SESSION_TOKEN = connection.keys.sessionToken;
        }
    } else {
        setInput(childEnv, 'oidcServiceConnectionId', connectionId);
    }
    for (const field of ROLE_FIELDS) {
        if (connection.role[field] && !env.input(field)) {
            setInput(childEnv, field, connection.role[field]);
        }
    }
    const identity = connection.keys
        ? `access key ending in ${connection.keys.accessKeyId.slice(-4)}`
        : 'workload identity federation (OIDC)';
    const role = env.input('roleArn') || connection.role.roleArn;
    writeLine(`Using the AWS service connection chosen in input '${CONNECTION_INPUT}': ${identity}`
        + (role ? `, assuming role ${role}.` : '.'));
}

/**
 * A service connection of the extension's AWS type as the agent hands it to a step: its scheme, its
 * fields (ENDPOINT_AUTH_PARAMETER_<ID>_*) and its data (ENDPOINT_DATA_<ID>_*).
 */
function readServiceConnection(env, connectionId) {
    const scheme = (env.get(`ENDPOINT_AUTH_SCHEME_${connectionId}`) || '').toLowerCase();
    const role = {};
    for (const field of ROLE_FIELDS) {
        role[field] = env.get(`ENDPOINT_DATA_${connectionId}_${field}`);
    }
    if (scheme === OIDC_SCHEME) {
        if (!role.roleArn && !env.input('roleArn')) {
            throw new LauncherError(`The AWS service connection chosen in input '${CONNECTION_INPUT}' uses workload `
                + 'identity federation (OIDC) but names no role to assume: set its role ARN, or the roleArn input.');
        }
        return { keys: null, role };
    }
    const prefix = `ENDPOINT_AUTH_PARAMETER_${connectionId}_`;
    const accessKeyId = env.get(prefix + 'USERNAME');
    const secretAccessKey = env.get(prefix + 'PASSWORD');
    if (scheme && scheme !== KEYS_SCHEME) {
        throw new LauncherError(`The AWS service connection chosen in input '${CONNECTION_INPUT}' uses the `
            + `'${scheme}' scheme, which ecrflow does not know: use access keys or workload identity federation.`);
    }
    if (!accessKeyId || !secretAccessKey) {
        throw new LauncherError(`The AWS service connection '${connectionId}' chosen in input '${CONNECTION_INPUT}' `
            + 'is not available to this step (no access key reached it). Check that the service connection exists, '
            + 'is an ecrflow AWS connection, and that this pipeline is allowed to use it; or leave '
            + `'${CONNECTION_INPUT}' empty to use the agent's own AWS credentials.`);
    }
    return { keys: { accessKeyId, secretAccessKey, sessionToken: env.get(prefix + 'SESSIONTOKEN') }, role };
}

/** Hands the runner a task input the way the agent does, replacing the (empty) one the agent set. */
function setInput(childEnv, name, value) {
    removeAnyCase(childEnv, `INPUT_${name.toUpperCase()}`);
    childEnv[`INPUT_${name.toUpperCase()}`] = value;
}

/**
 * The newest Java 17+ among the agent's JAVA_HOME_<version>_<arch> installs, then JAVA_HOME, then
 * PATH. Each candidate's real version comes from `java -version`: names can lie.
 */
function findJava(env) {
    const rejected = [];
    for (const candidate of javaCandidates(env)) {
        const major = javaMajorVersion(candidate.path);
        if (major === null) {
            rejected.push(`${candidate.source} (${candidate.path}) did not run`);
        } else if (major < MINIMUM_JAVA) {
            rejected.push(`${candidate.source} is Java ${major}`);
        } else {
            writeLine(`Using Java ${major} from ${candidate.source}: ${candidate.path}`);
            return { path: candidate.path, major };
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

/** The major version `java -version` reports: "17.0.9" is 17, the old "1.8.0_392" is 8; null if it does not run. */
function javaMajorVersion(javaPath) {
    const probe = childProcess.spawnSync(javaPath, ['-version'], { encoding: 'utf8', timeout: 30000 });
    if (probe.error || probe.status !== 0) {
        return null;
    }
    const version = /version "([^"]+)"/.exec(`${probe.stderr}\n${probe.stdout}`);
    if (!version) {
        return null;
    }
    const parts = version[1].split(/[.\-+_]/);
    return Number(parts[0] === '1' ? parts[1] : parts[0]);
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

/** Streams the runner's output as it comes, passes cancellation on, and exits with its code. */
function startRunner(javaPath, jar, command, childEnv) {
    const runner = childProcess.spawn(javaPath, ['-jar', jar, command], { stdio: 'inherit', env: childEnv });
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

function removeAnyCase(variables, name) {
    for (const key of Object.keys(variables)) {
        if (key.toUpperCase() === name) {
            delete variables[key];
        }
    }
}

function registerSecret(value) {
    if (value) {
        writeLine(`##vso[task.setsecret]${escapeMessage(value)}`);
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
