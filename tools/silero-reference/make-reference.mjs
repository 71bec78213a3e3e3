// Runs the official Silero VAD v5 model with ONNX Runtime over every clip in tests/data/vad/ and
// writes the per-window speech probabilities next to it as <clip>.silero.csv. patter's own C++
// inference is tested against these files.
//
// Windows are fed exactly as patter feeds its model: 512 new samples at 16 kHz (256 at 8 kHz),
// preceded by the last 64 (32) samples of the previous input, zeros for the first window; the
// LSTM state [2, 1, 128] is carried from one window to the next; trailing samples that do not
// fill a window are ignored.
//
// usage: node make-reference.mjs [path/to/silero_vad.onnx]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '..', 'tests', 'data', 'vad');
const modelPath =
  process.argv[2] ??
  process.env.PATTER_SILERO_MODEL ??
  join(process.env.PATTER_DATA_DIR ?? '/usr/local/share/patter', 'models', 'silero_vad.onnx');

function readMonoPcm16Wav(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a WAV file`);
  }
  let sampleRate = 0;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${path}: not mono PCM16`);
      sampleRate = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const samples = new Float32Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + 2 * i) / 32768;
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

async function probabilities(session, sampleRate, samples) {
  const window = sampleRate === 16000 ? 512 : 256;
  const contextSize = window / 8;
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
  let state = new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  let context = new Float32Array(contextSize);
  const result = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    const input = new Float32Array(contextSize + window);
    input.set(context, 0);
    input.set(samples.subarray(start, start + window), contextSize);
    const outputs = await session.run({
      input: new Tensor('float32', input, [1, input.length]),
      state,
      sr,
    });
    result.push(outputs.output.data[0]);
    state = outputs.stateN;
    context = input.slice(input.length - contextSize);
  }
  return result;
}

const session = await InferenceSession.create(modelPath, {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
for (const name of readdirSync(dataDir).filter((file) => file.endsWith('.wav')).sort()) {
  const { sampleRate, samples } = readMonoPcm16Wav(join(dataDir, name));
  const probs = await probabilities(session, sampleRate, samples);
  const lines = ['window,probability', ...probs.map((p, i) => `${i},${p.toPrecision(8)}`)];
  const csv = join(dataDir, name.replace(/\.wav$/, '.silero.csv'));
  writeFileSync(csv, lines.join('\n') + '\n');
  console.log(`${name}: ${sampleRate} Hz, ${probs.length} windows, max p=${Math.max(...probs).toFixed(3)}`);
}
