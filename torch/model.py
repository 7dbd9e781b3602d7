"""The model Cellscope trains, in PyTorch: a stacked LSTM (or GRU, or tanh RNN: config "cell")
over one-hot characters and a linear decoder, named as Cellscope exports it (lstm.weight_ih_l0
..., gru.weight_ih_l0 ..., decoder.weight, decoder.bias), initialised as Cellscope initialises
it (char-rnn's uniform +-0.08, an LSTM's forget-gate bias 1 carried by bias_ih, layer 0's input
weights uniform +-1)."""
import json

import torch
from torch import nn

import safetensors_io

FORMAT = "cellscope-charlstm"


CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden, layers, cell="lstm"):
        super().__init__()
        self.vocab, self.cell = vocab, cell
        setattr(self, cell, CELLS[cell](vocab, hidden, layers))  # time-major: (T, B, V); named as the export names it
        self.decoder = nn.Linear(hidden, vocab)

    @property
    def recurrent(self):
        return getattr(self, self.cell)

    def forward(self, ids, state=None):
        """ids (T, B) long -> logits (T, B, V), the final state ((h, c) for an LSTM, h otherwise)."""
        y, state = self.recurrent(nn.functional.one_hot(ids, self.vocab).to(self.decoder.weight.dtype), state)
        return self.decoder(y), state

    def init_cellscope(self, generator):
        rnn = self.recurrent
        H = rnn.hidden_size
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-0.08, 0.08, generator=generator)
            for l in range(rnn.num_layers if self.cell == "lstm" else 0):
                getattr(rnn, f"bias_ih_l{l}")[H:2 * H] = 1
                getattr(rnn, f"bias_hh_l{l}")[H:2 * H] = 0
            rnn.weight_ih_l0.uniform_(-1, 1, generator=generator)


def load(path):
    """A Cellscope export: (model, vocabulary list, training dict, optimizer moments or None)."""
    tensors, meta = safetensors_io.load(path)
    if meta.get("format") != FORMAT:
        raise safetensors_io.SafetensorsError(f"{path}: its __metadata__ does not say format {FORMAT!r}; export it with \"cellscope export\".")
    config, vocabulary, training = (json.loads(meta[k]) for k in ("config", "vocabulary", "training"))
    model = CharLSTM(config["vocab"], config["hidden"], config["layers"], config.get("cell", "lstm"))
    names = dict(model.named_parameters())
    model.load_state_dict({k: tensors[k] for k in names})
    moments = None
    if all(f"optimizer.exp_avg.{k}" in tensors for k in names):
        moments = {k: (tensors[f"optimizer.exp_avg.{k}"], tensors[f"optimizer.exp_avg_sq.{k}"]) for k in names}
    return model, vocabulary, training, moments


def save(path, model, vocabulary, training, optimizer=None):
    """Writes what "cellscope import" takes; Adam's moments too when an optimizer is given."""
    tensors = dict(model.named_parameters())
    if optimizer is not None:
        for prefix, key in (("optimizer.exp_avg.", "exp_avg"), ("optimizer.exp_avg_sq.", "exp_avg_sq")):
            for name, p in model.named_parameters():
                tensors[prefix + name] = optimizer.state[p][key]
    config = {"vocab": model.vocab, "hidden": model.recurrent.hidden_size, "layers": model.recurrent.num_layers}
    if model.cell != "lstm":  # as Cellscope writes it: an LSTM's config names no cell
        config["cell"] = model.cell
    meta = {"format": FORMAT, "config": json.dumps(config), "vocabulary": json.dumps(vocabulary), "training": json.dumps(training)}
    safetensors_io.save(path, tensors, meta)
