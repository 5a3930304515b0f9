// The quality benchmark's workload with sharp at its own defaults (.jpeg() q80, .webp() q80, .avif() q50;
// resize lanczos3, autorotated): each source read once, two in flight, its renditions made from the buffer.
// A JPEG of a source with alpha is flattened on white (sharp's default would be black), as prerender's is.
// Usage: node sharp_quality.js JOBS.json   where JOBS is [{source, outputs: [{path, width, format}]}]
'use strict';
const fs = require('fs');
const sharp = require('sharp');

const encode = {
  jpeg: (s) => s.flatten({ background: '#ffffff' }).jpeg(),
  webp: (s) => s.webp(),
  avif: (s) => s.avif(),
  png: (s) => s.png(), // lossless: the resize alone
};

async function one(job) {
  const buffer = await fs.promises.readFile(job.source);
  for (const out of job.outputs) {
    const resized = sharp(buffer).rotate().resize({ width: out.width, withoutEnlargement: true });
    await encode[out.format](resized).toFile(out.path);
  }
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await one(jobs[next++]);
  };
  await Promise.all([worker(), worker()]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
