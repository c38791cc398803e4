"""Model import: pretrained int8 files and PyTorch models into `qtrain` IR.

    from tiny_training.frontends import import_model
    module = import_model("mcunet-5fps")          # a shared pretrained model
    module = import_model("path/to/model.pkl")    # a pretrained-format file
"""
