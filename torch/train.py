"""Trains Cellscope's model in PyTorch, on a CPU, one GPU, or many with torchrun, with the
engine's conventions: the corpus `cellscope corpus DIR --out CORPUS` wrote (train.txt,
heldout.json, vocabulary.json), B contiguous streams served T characters at a time with the
LSTM state carried between chunks and reset when they wrap, char-rnn's initialisation, Adam,
gradients clipped to a global norm of 5. Held-out bits/char are measured as `cellscope eval
--no-cache` measures them, the gates' saturation and the gradient flow as the engine's trainer
measures them (figures.py). Prints one JSON line per evaluation; writes safetensors (with Adam's
moments) that `cellscope import` takes, and resumes from a Cellscope export.

usage: python3 torch/train.py CORPUS --out MODEL.safetensors [--cell lstm --hidden 128 --layers 2
           --batch 32 --steps 64 --lr 2e-3 --seed 1 --seconds 300 --max-steps N
           --eval-every 60 --resume MODEL.safetensors --threads N]
       torchrun --nproc_per_node=N torch/train.py …   (each rank its share of the streams;
           rank 0 evaluates and writes)"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist

import figures
import model as charlstm

SEGMENT, MAX_CONTEXT = 16_384, 2048  # as src/train/evaluate.ts and src/complete/stateCache.ts
SATURATION_CHARS, GRADIENT_STREAMS = 4000, 8  # as src/train/trainer.ts


def fail(message):
    print(f"train.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_corpus(folder):
    try:
        with open(os.path.join(folder, "train.txt"), encoding="utf-8") as f:
            train = f.read()
        with open(os.path.join(folder, "heldout.json"), encoding="utf-8") as f:
            heldout = json.load(f)
        with open(os.path.join(folder, "vocabulary.json"), encoding="utf-8") as f:
            vocabulary = json.load(f)
    except (OSError, ValueError) as err:
        fail(f"{folder} is not a corpus that cellscope corpus wrote ({err}); write one with: cellscope corpus DIR --out {folder}")
    if not train:
        fail(f"{folder}/train.txt is empty: there is nothing to learn from")
    return train, heldout, vocabulary


def encode(text, vocabulary):
    ids = {c: i + 1 for i, c in enumerate(vocabulary)}  # 0: unknown
    return torch.tensor([ids.get(c, 0) for c in text], dtype=torch.long)


def heldout_bpc(m, documents, vocabulary, device):
    """Bits/char of the LSTM alone over every held-out document, each read after a newline from a fresh state."""
    nats, chars = 0.0, 0
    with torch.no_grad():
        for text in documents:
            ids = encode("\n" + text, vocabulary).to(device)
            for scored in range(0, len(ids) - 1, SEGMENT):
                read, end = (0 if scored == 0 else scored - MAX_CONTEXT), min(len(ids) - 1, scored + SEGMENT)
                logits, _ = m(ids[read:end].reshape(-1, 1))
                logp = torch.log_softmax(logits[scored - read:, 0].double(), dim=-1)
                nats -= logp.gather(1, ids[scored + 1:end + 1].reshape(-1, 1)).sum().item()
                chars += end - scored
    return nats / chars / math.log(2) if chars else None


def sample(m, vocabulary, device, generator, length=200, temperature=0.8):
    """What the model writes after a newline, as the engine's samples at each evaluation (never the unknown id 0)."""
    chosen, ids, state = [], encode("\n", vocabulary).to(device).reshape(1, 1), None
    with torch.no_grad():
        for _ in range(length):
            logits, state = m(ids, state)
            weights = torch.softmax(logits[-1, 0, 1:].double().cpu() / temperature, dim=-1)
            choice = torch.multinomial(weights, 1, generator=generator).item()
            chosen.append(vocabulary[choice])
            ids = torch.tensor([[choice + 1]], device=device)
    return "".join(chosen)


def dashboard_figures(m, heldout, train, vocabulary, T, device):
    """The gates' saturation and the gradient flow at an evaluation, on the texts the engine's
    trainer measures them on: the start of the held-out text (of the training text without one)."""
    first, joined = (heldout[0], "\n".join(heldout)) if heldout else (train, train)
    saturation = figures.gate_saturation(m, encode("\n" + first[:SATURATION_CHARS], vocabulary).to(device))
    ids = encode(joined[:GRADIENT_STREAMS * (T + 1)], vocabulary)
    streams = ids[: len(ids) // (T + 1) * (T + 1)].reshape(-1, T + 1).to(device)
    return {"saturation": saturation, "gradientFlow": figures.gradient_flow(m, streams) if len(streams) else []}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--out", required=True)
    for name, default in (("hidden", 128), ("layers", 2), ("batch", 32), ("steps", 64), ("seed", 1), ("max_steps", 0), ("threads", 0)):
        ap.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    for name, default in (("lr", 2e-3), ("seconds", 300.0), ("eval_every", 60.0)):
        ap.add_argument(f"--{name.replace('_', '-')}", type=float, default=default)
    ap.add_argument("--cell", choices=sorted(charlstm.CELLS), default="lstm")
    ap.add_argument("--resume")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)

    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")

    train, heldout, vocabulary = read_corpus(a.corpus)
    if a.resume:
        # The model keeps its own vocabulary, as Cellscope's resumed runs do: new characters read as unknown.
        m, vocabulary, training, moments = charlstm.load(a.resume)
        B, T = training["batch"], training["steps"]
    else:
        m = charlstm.CharLSTM(len(vocabulary) + 1, a.hidden, a.layers, a.cell)
        m.init_cellscope(torch.Generator().manual_seed(a.seed))
        B, T, moments = a.batch, a.steps, None
        training = {"batch": B, "steps": T, "lr": a.lr, "step": 0, "charsSeen": 0, "seconds": 0.0, "cursor": 0, "rng": [a.seed, 0, 0, 0], "history": []}
    ids = encode(train, vocabulary)
    B = training["batch"] = min(B, len(ids) // (T + 1))
    if B < 1:
        fail(f"{a.corpus}/train.txt ({len(ids)} characters) is shorter than one chunk of {T + 1}: add files or lower --steps")
    if B < world or B % world:
        fail(f"the batch of {B} streams cannot be shared by {world} processes: choose --batch a multiple of {world}")
    m.to(device)
    opt = torch.optim.Adam(m.parameters(), lr=training["lr"], betas=(0.9, 0.999), eps=1e-8)
    if moments:
        for name, p in m.named_parameters():
            opt.state[p] = {"step": torch.tensor(float(training["step"])), "exp_avg": moments[name][0].to(device), "exp_avg_sq": moments[name][1].to(device)}
    net = torch.nn.parallel.DistributedDataParallel(m) if distributed else m

    # Stream b is the b-th contiguous B-th of the text; this rank reads streams [first, first + B/world).
    S, local, first = len(ids) // B, B // world, rank * (B // world)
    streams = ids[: S * B].reshape(B, S)[first:first + local].to(device)
    cursor, state = training["cursor"] if training["cursor"] + T + 1 <= S else 0, None
    started, last_eval, evaluating, window, chars_before = time.time(), 0.0, 0.0, [], training["charsSeen"]
    while True:
        if cursor + T + 1 > S:
            cursor, state = 0, None
        chunk = streams[:, cursor:cursor + T + 1].t()  # (T + 1, b), time-major
        logits, state = net(chunk[:-1], state)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 5.0)
        opt.step()
        cursor += T
        training.update(step=training["step"] + 1, charsSeen=training["charsSeen"] + B * T, cursor=cursor)
        reported = loss.detach().clone()
        if distributed:
            dist.all_reduce(reported)  # the global batch's mean, as one process would report it
            reported /= world
        window.append(reported.item() / math.log(2))
        elapsed = time.time() - started - evaluating  # training time: evaluations not counted
        done = elapsed >= a.seconds or (a.max_steps and training["step"] >= a.max_steps)
        if elapsed - last_eval >= a.eval_every or done:
            last_eval, seconds, evaluation_started = elapsed, training["seconds"] + elapsed, time.time()
            if rank == 0:
                bpc = heldout_bpc(m, heldout, vocabulary, device)
                train_bpc = sum(window) / len(window)
                speed = round((training["charsSeen"] - chars_before) / max(elapsed, 1e-9))  # this run's, so far
                point = {"step": training["step"], "seconds": round(seconds, 4), "trainBpc": round(train_bpc, 4), "heldoutBpc": None if bpc is None else round(bpc, 4), "charsPerSecond": speed,
                         "sample": sample(m, vocabulary, device, torch.Generator().manual_seed(a.seed + training["step"])),
                         **dashboard_figures(m, heldout, train, vocabulary, T, device)}
                for earlier in training["history"]:
                    earlier.pop("gradientFlow", None)  # large: the newest point's alone is kept, as the engine keeps it
                training["history"].append(point)
                charlstm.save(a.out, m, vocabulary, {**training, "seconds": seconds}, opt)  # whole before it is announced
                print(json.dumps({**point, "chars_per_s": speed}), flush=True)
            window, evaluating = [], evaluating + time.time() - evaluation_started
        if done:
            break
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
