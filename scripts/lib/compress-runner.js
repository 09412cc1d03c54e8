'use strict';
// Compresses the runner jar for the task folders: node compress-runner.js STORED_JAR OUT.br
//
// Each task folder of the extension carries its own runner, so the .vsix holds it once per task. A jar
// compresses each class on its own; one Brotli stream over a jar whose entries are stored uncompressed
// also shares what the classes have in common, and comes out at less than half the jar's size. The
// task launcher (task-manifest/launcher/runner-jar.js) unpacks it with Node's own zlib on first use.
const fs = require('fs');
const zlib = require('zlib');

if (process.argv.length !== 4) {
    process.stderr.write('usage: node compress-runner.js STORED_JAR OUT.br\n');
    process.exit(2);
}
const [input, output] = process.argv.slice(2);
const jar = fs.readFileSync(input);
const packed = zlib.brotliCompressSync(jar, {
    params: {
        // Quality 9 with a 16 MiB window: within a few percent of the best, at a fraction of the time.
        [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: jar.length,
    },
});
fs.writeFileSync(output, packed);
