'use strict';
// EcrLogin@1: the runner's login command. The launcher (task-manifest/launcher/*.js) and
// the runner jar are copied into this folder when the extension is staged (scripts/stage-extension.sh).
require('./launcher').run('login');
