"""safetensors read and written with the standard library and torch alone (Debian has no
python3-safetensors): an 8-byte little-endian header length, a JSON header padded with spaces
to a multiple of 8, then the tensors' little-endian bytes at their data_offsets. Reading makes
the reference reader's checks (header <= 100 MB, offsets contiguous from 0 to the end, sizes
equal to shape x dtype, no duplicate names); F32, F16 and BF16 are read, F32 is written."""
import json
import os
import struct

import torch

MAX_HEADER = 100_000_000
DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


class SafetensorsError(ValueError):
    pass


def save(path, tensors, metadata):
    """Writes {name: tensor} (as float32, in the order given) and {str: str} metadata to path."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))
    os.replace(path + ".tmp", path)  # whole or not at all


def load(path):
    """Returns ({name: float32 tensor}, metadata); raises SafetensorsError naming the file."""
    def fail(what):
        raise SafetensorsError(f"{path}: {what}; it is not a safetensors file this trainer can read.")
    data = open(path, "rb").read()
    if len(data) < 8:
        fail("the file is shorter than its 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER:
        fail(f"its header would be {n} bytes, over the limit of {MAX_HEADER}")
    if 8 + n > len(data):
        fail("the file is truncated inside its header")
    pairs = json.loads(data[8:8 + n], object_pairs_hook=lambda kv: kv)
    if len({k for k, _ in pairs}) != len(pairs):
        fail("it names a tensor twice")
    header = dict(pairs)
    metadata = dict(header.pop("__metadata__", []) or [])
    spans = []
    for name, entry in header.items():
        e = dict(entry)
        if e.get("dtype") not in DTYPES:
            fail(f"tensor {name} has dtype {e.get('dtype')!r}; F32, F16 and BF16 are read")
        dtype, size = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        if end - begin != count * size:
            fail(f"tensor {name} takes {end - begin} bytes where its shape and dtype need {count * size}")
        spans.append((begin, end, name, dtype, e["shape"]))
    tensors, expected = {}, 0
    for begin, end, name, dtype, shape in sorted(spans):
        if begin != expected:
            fail(f"its tensors' data do not follow one another from 0 (tensor {name} begins at {begin}, not {expected})")
        expected = end
        raw = bytearray(data[8 + n + begin:8 + n + end])
        tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(shape).to(torch.float32) if raw else torch.zeros(shape)
    if 8 + n + expected != len(data):
        fail(f"its data end at byte {8 + n + expected}, the file at {len(data)}")
    return tensors, metadata
