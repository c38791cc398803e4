"""tiny-training: an xDSL compiler from PyTorch CNNs to on-device training programs for Cortex-M7."""

__version__ = "0.1.0"
