'use strict';
// EcrLogin@1's post-job step, which the agent runs even when the job failed: removes the docker
// config the login wrote. Its folder reaches this step as the task variable ecrflowDockerConfig;
// without it the login wrote nothing, so there is nothing to remove and no need for Java or AWS.
require('./launcher').run('logout', { aws: false, onlyIfTaskVariable: 'ecrflowDockerConfig' });
