"""What the training dashboard draws of a model besides bits/char, as the engine measures it:
the gates' saturation (src/inspect/trace.ts saturationShares, the paper's Figure 3) and the
gradient flow (src/model/gradientFlow.ts). Both need each layer's state and gates at each step,
which nn.LSTM, nn.GRU and nn.RNN keep to themselves, so the model is run here one layer and one
step at a time with PyTorch's own equations and weights."""
import torch
from torch import nn

# Each cell type's gates as the dashboard names them (src/model/params.ts cellGates).
GATES = {"lstm": ("input", "forget", "output"), "gru": ("reset", "update"), "rnn": ()}


def unroll(m, ids):
    """Runs m over ids (T, B) from a zero state: each layer's h at each step (lists of T tensors
    (B, H), in the autograd graph) and each gate's activations {gate: (L, T, B, H)}."""
    rnn, cell = m.recurrent, m.cell
    x = nn.functional.one_hot(ids, m.vocab).to(m.decoder.weight.dtype)
    hs, gates = [], {g: [] for g in GATES[cell]}
    for l in range(rnn.num_layers):
        w_ih, w_hh, b_ih, b_hh = (getattr(rnn, f"{name}_l{l}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
        inputs = x @ w_ih.T + b_ih  # (T, B, gates × H)
        h = c = x.new_zeros(x.shape[1], rnn.hidden_size)
        steps, opened = [], []
        for t in range(len(ids)):
            recurrent = h @ w_hh.T + b_hh
            if cell == "lstm":
                i, f, g, o = (inputs[t] + recurrent).chunk(4, 1)
                i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                c = f * c + i * g
                h = o * c.tanh()
                opened.append((i, f, o))
            elif cell == "gru":
                (xr, xz, xn), (hr, hz, hn) = inputs[t].chunk(3, 1), recurrent.chunk(3, 1)
                r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
                h = (1 - z) * (xn + r * hn).tanh() + z * h
                opened.append((r, z))
            else:
                h = (inputs[t] + recurrent).tanh()
                opened.append(())
            steps.append(h)
        for k, gate in enumerate(GATES[cell]):
            gates[gate].append(torch.stack([step[k] for step in opened]))
        hs.append(steps)
        x = torch.stack(steps)
    return hs, {gate: torch.stack(layers) for gate, layers in gates.items()}


def gate_saturation(m, ids):
    """{gate: [share below 0.1, share above 0.9]} over every layer's cells along ids (T,): a
    newline, then the text, read from a zero state, as the engine reads a text after its document
    start. Counted on values quantized to bytes, as the engine's traces hold them; 4 decimals."""
    with torch.no_grad():
        _, gates = unroll(m, ids.reshape(-1, 1))
    shares = {}
    for gate, values in gates.items():
        q = (values[:, 1:] * 255).round()  # step 0 reads the newline
        n = max(1, q.numel())
        shares[gate] = [round((q < 0.1 * 255).sum().item() / n, 4), round((q > 0.9 * 255).sum().item() / n, 4)]
    return shares


def gradient_flow(m, streams):
    """||dL/dh_t|| of each layer k steps before the last, for L the mean cross-entropy at the last
    step of `streams` (B, T + 1), read from a zero state: [layer][k], to 3 significant digits."""
    ids = streams.t()
    hs, _ = unroll(m, ids[:-1])
    loss = nn.functional.cross_entropy(m.decoder(hs[-1][-1]), ids[-1])
    grads = torch.autograd.grad(loss, [h for layer in hs for h in layer])
    T = len(ids) - 1
    return [[float(f"{grads[l * T + T - 1 - k].norm().item():.3g}") for k in range(T)] for l in range(len(hs))]
