"""PyTorch models that match the circa specs beside this file, exported both ways circa imports.

    python3 examples/pytorch/models.py OUTDIR PIXELS.npz

PIXELS.npz holds `pixels`, an N x 784 array of MNIST pixels (0..255). For each model
(mlp, circulant, tvscm, cnn, conv1d) this writes to OUTDIR:

    <model>.npz             np.savez of the state_dict (what `circa import` reads)
    <model>-<d>.onnx        torch.onnx.export with a <d> dummy input (1d: (784,), 2d: (1, 784),
                            3d: (1, 1, 784); the CNN: 4d (1, 1, 28, 28), conv1d: 3d (1, 1, 187) only;
                            and circulant-2d-nofold.onnx: (1, 784) with do_constant_folding=False)
    <model>-<d>.names.json  state_dict name -> ONNX initializer name (read back from the file
                            by value, as a user would look them up with onnx.load)
    sigmoid-2d.onnx         Linear, Sigmoid, Linear: a graph circa refuses (no layer for Sigmoid)
    <model>.logits.npy      PyTorch's float32 logits on the N images (conv1d: on pixels 300..486 of
                            each, a 187-sample signal), each preprocessed
                            the way the model was trained (ToTensor's p / 255, and for mlp and
                            cnn Normalize((0.1307,), (0.3081,)))

The weights are PyTorch's default initialisation (seeded): the test compares arithmetic, not
accuracy. Nothing here is circa code; it needs torch, onnx and numpy (Debian: python3-torch,
python3-onnx).
"""
import json
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn
import torch.nn.functional as F

MEAN, STD = 0.1307, 0.3081


class Circulant(nn.Module):
    """circa's circulant kind: y = (R D x)[:outputs], x zero-padded to K, R the circulant
    matrix whose first column is r (R[i][j] = r[(i - j) mod K]), D = diag(signs)."""

    def __init__(self, inputs, outputs, k):
        super().__init__()
        self.inputs, self.outputs, self.k = inputs, outputs, k
        self.r = nn.Parameter(torch.randn(k) / k ** 0.5)
        # circa's signs are drawn by its own generator from a seed; a PyTorch model keeps its own
        # as a buffer (saved in the state_dict), and circa import checks them against the spec
        self.register_buffer('signs', torch.randint(0, 2, (inputs,)).float() * 2 - 1)
        i = torch.arange(k)
        self.register_buffer('idx', (i[:, None] - i[None, :]) % k, persistent=False)

    def forward(self, x):
        s = F.pad(x * self.signs, (0, self.k - self.inputs))
        return (s @ self.r[self.idx].t())[..., : self.outputs]


class Tvscm(nn.Module):
    """circa's tvscm kind, band placement radius 1: y_i = a x_i + b (x_{i-1} + x_{i+1}), indices mod n."""

    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.tensor([0.9]))
        self.b = nn.Parameter(torch.tensor([-0.3]))

    def forward(self, x):
        return self.a * x + self.b * (torch.roll(x, 1, -1) + torch.roll(x, -1, -1))


def models():
    torch.manual_seed(0)
    return {
        # circa: fc1, fc2, fc3 (dense) -> --map fc1.=0.,fc2.=2.,fc3.=4.
        'mlp': (nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)), True),
        # circa: circ (circulant, signs checked), fc (dense) -> --map circ.=0.,fc.=2.
        'circulant': (nn.Sequential(Circulant(784, 784, 1024), nn.ReLU(), nn.Linear(784, 10)), False),
        # circa: tv (tvscm: a, b), fc -> --map tv.=0.,fc.=2.
        'tvscm': (nn.Sequential(Tvscm(), nn.ReLU(), nn.Linear(784, 10)), False),
        # circa: c1, p1, c2, p2, fc -> --map c1.=0.,c2.=3.,fc.=7.
        'cnn': (nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(200, 10)), True),
        # circa: c1, p, c2, fc (examples/ecg-conv1d.json's shape) on a 187-sample signal: pixels 300..486 of each image -> --map c1.=0.,c2.=3.,fc.=6.
        'conv1d': (nn.Sequential(nn.Conv1d(1, 4, 5, stride=2, padding=2), nn.ReLU(), nn.MaxPool1d(2), nn.Conv1d(4, 8, 3, stride=2, padding=1),
                                 nn.ReLU(), nn.Flatten(), nn.Linear(192, 5)), False),
    }

# what each model takes: a slice of the 784 pixels, reshaped
SIGNAL = slice(300, 487)
SHAPES = {'cnn': (-1, 1, 28, 28), 'conv1d': (-1, 1, 187)}


def onnx_names(path, state):
    """state_dict name -> initializer name, matched by value (as stored, or transposed)."""
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    out = {}
    for k, v in state.items():
        v = v.numpy()
        for name, a in inits.items():
            if a.shape == v.shape and np.array_equal(a, v) or a.ndim == 2 and a.shape == v.T.shape and np.array_equal(a, v.T):
                out[k] = name
                break
    return out


def main(outdir, pixels_file):
    pixels = np.load(pixels_file)['pixels'].astype(np.float32)
    for name, (model, normalized) in models().items():
        model.eval()
        x = torch.from_numpy((pixels[:, SIGNAL] if name == 'conv1d' else pixels) / 255)
        if normalized:
            x = (x - MEAN) / STD
        if name in SHAPES:
            x = x.reshape(SHAPES[name])
        with torch.no_grad():
            np.save(os.path.join(outdir, f'{name}.logits.npy'), model(x).numpy())
        state = {k: v.detach() for k, v in model.state_dict().items()}
        np.savez(os.path.join(outdir, f'{name}.npz'), **{k: v.numpy() for k, v in state.items()})
        dummies = {'4d': (1, 1, 28, 28)} if name == 'cnn' else {'3d': (1, 1, 187)} if name == 'conv1d' else {'1d': (784,), '2d': (1, 784), '3d': (1, 1, 784)}
        if name == 'circulant':
            # without constant folding F.pad's amounts stay a chain of shape operations (with it, or without,
            # r[idx] stays a Gather of the parameter r: constant folding does not fold parameters)
            dummies['2d-nofold'] = (1, 784)
        for d, shape in dummies.items():
            path = os.path.join(outdir, f'{name}-{d}.onnx')
            torch.onnx.export(model, torch.zeros(shape), path, do_constant_folding=not d.endswith('-nofold'))
            with open(os.path.join(outdir, f'{name}-{d}.names.json'), 'w') as f:
                json.dump(onnx_names(path, state), f)
    # an operation circa has no layer for: circa import --spec-out names the node
    torch.onnx.export(nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10)).eval(), torch.zeros((1, 784)),
                      os.path.join(outdir, 'sigmoid-2d.onnx'))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
