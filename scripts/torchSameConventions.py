#!/usr/bin/python3
"""PyTorch with Cellscope's exact conventions (one-hot input, char-rnn init: uniform +-0.08, forget-gate
bias 1), to compare learning per step with Cellscope's engine. The anchor (../shared/anchor) uses a
dense N(0,1) embedding instead, which learns faster early on.
  usage: torchSameConventions.py CORPUS STEPS [torchinit]   prints held-out bpc (first 20,000
  held-out characters, 32 streams) at steps 17, 34, 50, 75, 100, 150, 200, 300."""
import math, os, sys, time, zlib, torch
torch.set_num_threads(1); torch.manual_seed(0)
corpus = sys.argv[1]; steps_total = int(sys.argv[2]); init = sys.argv[3] if len(sys.argv) > 3 else 'charrnn'
tr_t, he_t = [], []
for root, dirs, files in sorted(os.walk(corpus)):
    for f in sorted(files):
        p = os.path.join(root, f); s = open(p, encoding='utf-8', errors='replace').read()
        (he_t if zlib.crc32(os.path.relpath(p, corpus).encode()) % 10 == 0 else tr_t).append(s)
train, held = "\n".join(tr_t), "\n".join(he_t)
cnt = {}
for ch in train: cnt[ch] = cnt.get(ch, 0) + 1
chars = sorted(cnt, key=lambda c: (-cnt[c], ord(c)))[:255]; ix = {c: i + 1 for i, c in enumerate(chars)}; V = len(chars) + 1
enc = lambda s: torch.tensor([ix.get(c, 0) for c in s], dtype=torch.long)
tr, he = enc(train), enc(held[:20000])
H, L, B, T = 256, 2, 32, 64
lstm = torch.nn.LSTM(V, H, L); out = torch.nn.Linear(H, V)
if init == 'charrnn':
    with torch.no_grad():
        for p in list(lstm.parameters()) + list(out.parameters()): p.uniform_(-0.08, 0.08)
        for l in range(L):
            getattr(lstm, f'bias_ih_l{l}')[H:2*H] = 1; getattr(lstm, f'bias_hh_l{l}')[H:2*H] = 0
params = list(lstm.parameters()) + list(out.parameters())
opt = torch.optim.Adam(params, lr=2e-3)
eye = torch.eye(V)
def fwd(x, st=None):
    y, st = lstm(eye[x], st); return out(y), st
S = len(tr) // B; data = tr[:S * B].view(B, S)
def heldout():
    with torch.no_grad():
        b = 32; s = (len(he) - 1) // b
        x = torch.stack([he[i*s:i*s+s] for i in range(b)], 1); y = torch.stack([he[i*s+1:i*s+s+1] for i in range(b)], 1)
        lg, _ = fwd(x); return torch.nn.functional.cross_entropy(lg.reshape(-1, V), y.reshape(-1)).item() / math.log(2)
st, pos = None, 0
for step in range(1, steps_total + 1):
    x, y = data[:, pos:pos+T].t(), data[:, pos+1:pos+T+1].t(); pos += T
    if st is not None: st = tuple(s.detach() for s in st)
    lg, st = fwd(x, st); loss = torch.nn.functional.cross_entropy(lg.reshape(-1, V), y.reshape(-1))
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 5.0); opt.step()
    if step in (17, 34, 50, 75, 100, 150, 200, 300): print(step, 'train', round(loss.item() / math.log(2), 3), 'held-out', round(heldout(), 3), flush=True)
