'use strict';
// Starts the ecrflow runner for an Azure Pipelines task: finds Java 17+ on the agent, runs the jar
// that sits next to this file (unpacked from ecrflow-runner.jar.br on first use) with the task's
// command, and hands it the step's environment. Task inputs and the chosen service connection need no
// translating: the agent passes them as INPUT_<NAME> and ENDPOINT_* variables, which the runner reads
// itself. Of the job's service connections and secret variables only those the runner may use reach it.
//
// Plain Node (20 and later), no packages: the agent runs this file with its own Node handler, and
// every task folder carries its own copy of it and of the modules beside it, so a task is complete on its own.
//
// Java starts with flags chosen by measurement, and on agents that keep their tools directory with a
// start-up archive of the runner's classes made on the first step (docs/benchmark.md has the numbers).

const childProcess = require('child_process');
const { AgentEnvironment, LauncherError, debug, fail, writeLine } = require('./agent');
const { JAVA_FLAGS, findJava } = require('./java');
const { runnerEnvironment } = require('./runner-environment');
const { runnerJar } = require('./runner-jar');
const { startupArchive } = require('./startup-archive');
const { taskCommandMode } = require('./task');

// Tells the runner the task's restrictions.commands.mode (task.json): "restricted" or "any".
const COMMAND_MODE_VARIABLE = 'ECRFLOW_COMMAND_MODE';

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

module.exports = { run };
