'use strict';
// What of the step's environment reaches the runner: the chosen AWS service connection, the job's access token
// when the step needs it, and none of the other connections or secret variables the agent hands every step.

const { escapeMessage, writeLine } = require('./agent');
const { taskCommandMode } = require('./task');

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

// Secret pipeline variables reach a step as SECRET_<NAME>; the runner reads only the AWS Toolkit's (AWS.*).
const RUNNER_SECRET_VARIABLES = 'SECRET_AWS_';

// Connection fields that name rather than prove (the access key id, the AWS Toolkit's role fields).
const NAMING_FIELDS = ['USERNAME', 'ASSUMEROLEARN', 'ROLE', 'ROLESESSIONNAME'];

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

module.exports = { runnerEnvironment };
