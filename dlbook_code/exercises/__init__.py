"""The book's references for its self-checked exercises, one module per part.

Each module registers, with :func:`dlbook_code.answers.exercise`, the reference answer of
the exercises of its part and the inputs they are tried on. A reference is usually the
library's own function (the exercise asks to rebuild it) and never appears in a message.
Importing this package registers them all; :func:`dlbook_code.check` does it on its first
call.
"""

from . import (  # noqa: F401
    architectures,
    autograd,
    cnn,
    deep_training,
    generative,
    intro,
    tensors,
    training,
)
