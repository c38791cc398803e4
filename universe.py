"""Makes the tiny-training dialects and passes visible to plain `xdsl-opt`."""

from xdsl.universe import Universe

from tiny_training.registry import get_dialects, get_passes

TINY_TRAINING_UNIVERSE = Universe(all_dialects=get_dialects(), all_passes=get_passes())
