'use strict';
// The agent's side of a step: its environment (looked up as the agent names variables) and the logging
// commands the launcher writes before the runner takes over.

const fs = require('fs');

/** A problem the user fixes in the pipeline; its message names what to change. */
class LauncherError extends Error {}

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

module.exports = { AgentEnvironment, LauncherError, debug, escapeMessage, fail, writeLine };
