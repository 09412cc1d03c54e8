'use strict';
// Java 17+ on the agent, and the flags it starts the runner with (chosen by measurement: docs/benchmark.md).

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { LauncherError, writeLine } = require('./agent');

const MINIMUM_JAVA = 17;

// C1 only: a run is over before C2's compilations pay back, and C2's threads compete with start-up for
// the agent's cores (login: 0.65 s to 0.50 s on JDK 17, 2 cores). Costly for hot loops such as
// SHA-256 over layers (7x slower), which the runner leaves to the engine.
const JAVA_FLAGS = ['-XX:TieredStopAtLevel=1'];

const JAVA_INSTALLER_HINT = "add a Java tool installer step before this task: `- task: JavaToolInstaller@0` with "
    + "`versionSpec: '17'`, `jdkArchitectureOption: 'x64'` and `jdkSourceOption: 'PreInstalled'`";

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

module.exports = { JAVA_FLAGS, findJava };
