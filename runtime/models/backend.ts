import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | undefined;

/**
 * Picks the fastest TensorFlow.js backend available, once per process: the native `tfjs-node`
 * binding when it is installed (it cannot be on machines without libtensorflow, so it is optional),
 * else WebAssembly, else the plain JavaScript 'cpu' backend. `prefer` forces one (benchmarks compare them).
 */
export function initBackend(prefer?: BackendName): Promise<BackendName> {
  // Production mode skips per-op debug checks and the console banner suggesting tfjs-node.
  tf.env().set('PROD', true);
  if (prefer) return switchTo(prefer);
  chosen ??= (async () => {
    if (await tryNode()) return 'tensorflow';
    if (await trySet('wasm')) return 'wasm';
    await trySet('cpu');
    return 'cpu';
  })();
  return chosen;
}

async function switchTo(name: BackendName): Promise<BackendName> {
  if (name === 'tensorflow' && !(await tryNode())) throw new Error('the tfjs-node backend is not installed');
  if (name !== 'tensorflow' && !(await trySet(name))) throw new Error(`the ${name} backend could not start`);
  chosen = Promise.resolve(name);
  return name;
}

async function tryNode(): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and type checking from requiring the optional package.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    return trySet('tensorflow');
  } catch {
    return false;
  }
}

let wasmPathSet = false;

async function trySet(name: string): Promise<boolean> {
  try {
    if (name === 'wasm' && !wasmPathSet) {
      // In Node the .wasm binaries are read from the package's dist folder, not fetched.
      const require = createRequire(import.meta.url);
      setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
      wasmPathSet = true;
    }
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

export { tf };
