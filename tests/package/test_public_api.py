"""The package and the chapters use only PyTorch's and torchvision's documented API.

A reader's Colab upgrades torchvision and PyTorch without notice; a private name
(``nn.modules.batchnorm._BatchNorm``, ``torch._dynamo``) or an undocumented class attribute
of a torchvision data set (``MNIST.resources``, ``CIFAR10.train_list``) can vanish in any
release and break every reader at once. This scans the package's sources and every
chapter's code cells.
"""

from __future__ import annotations

import re

from dlbook_build.sources import ROOT

PRIVATE = re.compile(r"\b(?:torch|torchvision|nn|F|datasets|transforms|optim)(?:\.\w+)*\._\w+"
                     r"|\bfrom (?:torch|torchvision)[\w.]*\._\w+|\bfrom (?:torch|torchvision)[\w.]* "
                     r"import (?:\w+, )*_\w+")
# torchvision data sets' undocumented class attributes (the book states these facts itself)
UNDOCUMENTED = re.compile(r"\.(?:resources|mirrors|base_folder|tgz_md5|train_list|test_list)\b")


def sources():
    for path in sorted((ROOT / "dlbook_code").rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "book").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.M | re.S)
        yield path, "\n".join(cells)


def test_no_private_torch_or_torchvision_name():
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path, code in sources()
             for pattern in (PRIVATE, UNDOCUMENTED) for m in pattern.finditer(code)]
    assert not found, "private or undocumented names:\n" + "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    bad = ("isinstance(m, nn.modules.batchnorm._BatchNorm)\nfrom torch._dynamo import x\n"
           "datasets.MNIST.resources\nfrom torch.nn.modules.batchnorm import _NormBase\n")
    assert len(PRIVATE.findall(bad)) + len(UNDOCUMENTED.findall(bad)) == 4
    assert not PRIVATE.search("self._model = nn.Linear(2, 3)\nx._version")


def test_all_lists_every_name_the_package_re_exports():
    import types

    import dlbook_code

    exported = {name for name, value in vars(dlbook_code).items()
                if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(dlbook_code.__all__) == exported
    assert dlbook_code.glue is dlbook_code.runtime.glue  # from dlbook_code import glue

