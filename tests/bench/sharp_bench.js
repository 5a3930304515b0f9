// The standard workload with sharp, as a Node service would do it: photos read once each, two in
// flight, the seven renditions of a photo made from its buffer. Usage: node sharp_bench.js IN OUT [--pool1]
'use strict';
const fs = require('fs');
const path = require('path');
const sharp = require('sharp');

const [input, output, mode] = process.argv.slice(2);
if (mode === '--pool1') sharp.concurrency(1);
fs.mkdirSync(output, { recursive: true });

const jpeg = { quality: 80, progressive: false, optimiseCoding: true, chromaSubsampling: '4:2:0', mozjpeg: false };
const renditions = [
  ['jpeg-1920.jpg', (s) => s.resize({ width: 1920, withoutEnlargement: true }).jpeg(jpeg)],
  ['jpeg-1280.jpg', (s) => s.resize({ width: 1280, withoutEnlargement: true }).jpeg(jpeg)],
  ['jpeg-640.jpg', (s) => s.resize({ width: 640, withoutEnlargement: true }).jpeg(jpeg)],
  ['crop-320.jpg', (s) => s.resize({ width: 320, height: 180, fit: 'cover', position: 'centre' }).jpeg(jpeg)],
  ['webp-1280.webp', (s) => s.resize({ width: 1280, withoutEnlargement: true }).webp({ quality: 75 })],
  ['webp-640.webp', (s) => s.resize({ width: 640, withoutEnlargement: true }).webp({ quality: 75 })],
  ['avif-1280.avif', (s) => s.resize({ width: 1280, withoutEnlargement: true })
      .avif({ quality: 50, effort: 3, chromaSubsampling: '4:2:0', bitdepth: 8 })],
];

async function one(file) {
  const buffer = await fs.promises.readFile(path.join(input, file));
  const stem = path.parse(file).name;
  for (const [name, make] of renditions) {
    await make(sharp(buffer).rotate()).toFile(path.join(output, `${stem}-${name}`));
  }
}

async function main() {
  const files = fs.readdirSync(input).filter((f) => f.endsWith('.jpg')).sort();
  let next = 0;
  const worker = async () => {
    while (next < files.length) await one(files[next++]);
  };
  await Promise.all([worker(), worker()]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
