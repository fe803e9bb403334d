/** Small CNN specs the conv2d and pool tests share. */
const q = { int: 1, frac: 6 };
/** conv -> pool -> conv -> pool -> dense -> argmax on a 12 x 12 image */
export const lenet = (schedule: string, headInputs = 3 * 2 * 2) => ({
  network: 'lenet', schedule,
  layers: [
    { kind: 'conv2d', name: 'c1', height: 12, width: 12, channels: 1, outChannels: 2, kernel: 3, lanes: 2, activation: 'relu', weights: { init: 'random', seed: 1, scale: 0.6 }, output: { format: q } },
    { kind: 'pool', name: 'p1', height: 10, width: 10, channels: 2, op: 'max', input: q },
    { kind: 'conv2d', name: 'c2', height: 5, width: 5, channels: 2, outChannels: 3, kernel: 2, lanes: 3, activation: 'relu', input: q, weights: { init: 'random', seed: 2, scale: 0.6 }, output: { format: q } },
    { kind: 'pool', name: 'p2', height: 4, width: 4, channels: 3, op: 'average', input: q },
    { kind: 'dense', name: 'head', inputs: headInputs, outputs: 4, lanes: 2, input: q, weights: { init: 'random', seed: 3 }, output: { format: q } },
    { kind: 'argmax', name: 'am', n: 4, input: q },
  ],
});

/** conv -> conv (stride 2) -> dense -> argmax on an 8 x 8 image */
export const convChain = (schedule: string) => ({
  network: 'cnn', schedule,
  layers: [
    { kind: 'conv2d', name: 'c1', height: 8, width: 8, channels: 1, outChannels: 2, kernel: 3, lanes: 2, activation: 'relu',
      weights: { init: 'random', seed: 1, scale: 0.5 }, output: { format: q } },
    { kind: 'conv2d', name: 'c2', height: 6, width: 6, channels: 2, outChannels: 3, kernel: 2, stride: 2, beat: 2, lanes: 3, activation: 'relu',
      input: q, weights: { init: 'random', seed: 2, scale: 0.5 }, output: { format: q } },
    { kind: 'dense', name: 'head', inputs: 27, outputs: 4, lanes: 2, input: q, weights: { init: 'random', seed: 3 }, output: { format: q } },
    { kind: 'argmax', name: 'am', n: 4, input: q },
  ],
});
