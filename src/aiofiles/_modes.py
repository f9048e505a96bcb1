"""Literal types of ``open()`` modes, for the overloads (generated once, by rule:
every order of the mode letters, as ``builtins.open`` accepts them)."""

from __future__ import annotations

from typing import Literal

OpenTextModeUpdating = Literal[
    "+a",
    "+at",
    "+r",
    "+rt",
    "+ta",
    "+tr",
    "+tw",
    "+tx",
    "+w",
    "+wt",
    "+x",
    "+xt",
    "a+",
    "a+t",
    "at+",
    "r+",
    "r+t",
    "rt+",
    "t+a",
    "t+r",
    "t+w",
    "t+x",
    "ta+",
    "tr+",
    "tw+",
    "tx+",
    "w+",
    "w+t",
    "wt+",
    "x+",
    "x+t",
    "xt+",
]

OpenTextModeWriting = Literal["a", "at", "ta", "tw", "tx", "w", "wt", "x", "xt"]

OpenTextModeReading = Literal["r", "rt", "tr"]

OpenTextMode = OpenTextModeUpdating | OpenTextModeWriting | OpenTextModeReading

OpenBinaryModeUpdating = Literal[
    "+ab",
    "+ba",
    "+br",
    "+bw",
    "+bx",
    "+rb",
    "+wb",
    "+xb",
    "a+b",
    "ab+",
    "b+a",
    "b+r",
    "b+w",
    "b+x",
    "ba+",
    "br+",
    "bw+",
    "bx+",
    "r+b",
    "rb+",
    "w+b",
    "wb+",
    "x+b",
    "xb+",
]

OpenBinaryModeWriting = Literal["ab", "ba", "bw", "bx", "wb", "xb"]

OpenBinaryModeReading = Literal["br", "rb"]

OpenBinaryMode = OpenBinaryModeUpdating | OpenBinaryModeReading | OpenBinaryModeWriting
