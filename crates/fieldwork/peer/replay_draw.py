#!/usr/bin/env python3
"""Independent re-implementation of the route draw (crates/fieldwork/src/draw.rs), for peer checks.

It shares no code with the Rust crate: it expands the seed with PCG32 as rand_core's seed_from_u64
does, runs ChaCha20 (20 rounds, 64-bit block counter, stream 0) as rand_chacha does, draws integers
by the rejection rule of rng::below, and applies the draw procedure of docs/fieldwork.md. Its output
must equal `RouteDraw::to_json()` byte for byte:

    python3 crates/fieldwork/peer/replay_draw.py schema/kmrs-2010/frames/almaty.csv almaty 2010 55 [--weighted]
"""
import csv
import hashlib
import json
import struct
import sys

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1


def seed_from_u64(state):
    """rand_core 0.9 SeedableRng::seed_from_u64: PCG32 (XSH RR) output fills the 32-byte key."""
    mul, inc = 6364136223846793005, 11634580027462260723
    key = b""
    for _ in range(8):
        state = (state * mul + inc) & M64
        xorshifted = (((state >> 18) ^ state) >> 27) & M32
        rot = state >> 59
        key += struct.pack("<I", ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & M32)
    return key


def chacha20_block(key, counter):
    def rotl(v, c):
        return ((v << c) | (v >> (32 - c))) & M32

    def quarter(s, a, b, c, d):
        s[a] = (s[a] + s[b]) & M32; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & M32; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & M32; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & M32; s[b] = rotl(s[b] ^ s[c], 7)

    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574] + list(struct.unpack("<8I", key)) + [counter & M32, counter >> 32, 0, 0]
    w = state[:]
    for _ in range(10):
        quarter(w, 0, 4, 8, 12); quarter(w, 1, 5, 9, 13); quarter(w, 2, 6, 10, 14); quarter(w, 3, 7, 11, 15)
        quarter(w, 0, 5, 10, 15); quarter(w, 1, 6, 11, 12); quarter(w, 2, 7, 8, 13); quarter(w, 3, 4, 9, 14)
    return [(w[i] + state[i]) & M32 for i in range(16)]


class Stream:
    def __init__(self, seed):
        self.key, self.counter, self.words = seed_from_u64(seed), 0, []

    def next_u64(self):
        out = []
        for _ in range(2):
            if not self.words:
                self.words = chacha20_block(self.key, self.counter)
                self.counter += 1
            out.append(self.words.pop(0))
        return out[0] | (out[1] << 32)

    def below(self, n):
        rejected = ((-n) & M64) % n
        while True:
            x = self.next_u64()
            if rejected == 0 or x < ((-rejected) & M64):
                return x % n


def draw(path, city, seed, k, weighted):
    with open(path, encoding="utf-8") as f:
        rows = [(i + 1, line) for i, line in enumerate(f.read().splitlines())]
    data = [(n, line) for n, line in rows if line.strip() and not line.startswith("#")]
    header = next(csv.reader([data[0][1]]))
    pool = []
    for line_no, line in data[1:]:
        r = dict(zip(header, next(csv.reader([line]))))
        if r["city"] == city:
            r["line"] = line_no
            pool.append(r)
    if weighted:
        pool = [r for r in pool if int(r["dwellings"]) > 0]
    rng = Stream(seed)
    routes = []
    for i in range(k):
        if weighted:
            ticket = rng.below(sum(int(r["dwellings"]) for r in pool))
            pick = len(pool) - 1
            for j, r in enumerate(pool):
                if ticket < int(r["dwellings"]):
                    pick = j
                    break
                ticket -= int(r["dwellings"])
        else:
            pick = rng.below(len(pool))
        s = pool.pop(pick)
        lo, hi = int(s["from_number"]), int(s["to_number"])
        start = lo + rng.below(hi - lo + 1)
        drawn = "ascending" if rng.below(2) == 0 else "descending"
        sided = s["odd_side"] in ("left", "right")
        routes.append({
            "id": f"{city}-R{i + 1:02d}",
            "street": s["street_ru"],
            "start_house": str(start),
            "direction": drawn if sided else "ascending",
            "street_kk": s["street_kk"],
            "district": s["district"],
            "side": ("odd" if start % 2 else "even") if sided else None,
            "from_number": lo,
            "to_number": hi,
            "odd_side": s["odd_side"] if sided else None,
            "building_type": s["building_type"],
            "dwellings": int(s["dwellings"]) if s.get("dwellings") else None,
            "frame_line": s["line"],
        })
    with open(path, "rb") as f:
        frame_sha256 = hashlib.sha256(f.read()).hexdigest()
    return {"city": city, "seed": seed, "routes": routes, "weighted": weighted, "frame_sha256": frame_sha256}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--weighted"]
    print(json.dumps(draw(args[0], args[1], int(args[2]), int(args[3]), "--weighted" in sys.argv), indent=2, ensure_ascii=False))
