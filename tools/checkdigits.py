#!/usr/bin/env python3
"""Check characters for made-up test identifiers (GB 11643 MOD 11-2, GB 32100 mod 31).

usage: checkdigits.py id 33030419880512123    -> full 18-character ID number
       checkdigits.py uscc 91330304MA2J7K8L1  -> full 18-character USCC
"""
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

def id_check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(first17, w)) % 11]

def uscc_check(first17):
    w = [pow(3, i, 31) for i in range(17)]
    return ALPHABET[(31 - sum(ALPHABET.index(c) * x for c, x in zip(first17, w)) % 31) % 31]

if __name__ == "__main__":
    kind, value = sys.argv[1], sys.argv[2]
    print(value + (id_check(value) if kind == "id" else uscc_check(value)))
