"""PyTorch modules for fer-cl's built-in models, one per built-in (`fer-cl models`).

fer-cl names its nodes after the state_dict prefixes of these modules, so a fer-cl model file
loads into them with `load_state_dict(strict=True)` as it is (conv weights OIHW, dense weights
[out, in] with a flatten's inputs in NCHW order, batch norms with running_mean, running_var and
num_batches_tracked: Sources/FERModel/Layouts.swift, Sources/FERTrain/ModelFile.swift). Layers
without tensors (ReLU, pooling, dropout) are functional calls here or children without state,
since only tensor names have to agree. The descriptions these mirror are in
Sources/FERModel/BuiltinModels.swift and ResidualModels.swift; compare-pytorch.py checks
every one against a trained fer-cl file, logits included.

Batch norms use PyTorch's defaults (eps 1e-5, momentum 0.1), which are fer-cl's.
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = 7


def add_dense_head(module, names, features):
    """Linear layers named `names`, features[0] -> features[1] -> ... (the VGG-style heads)."""
    for name, inputs, outputs in zip(names, features, features[1:]):
        setattr(module, name, nn.Linear(inputs, outputs))


def dense_head(layers, x, rate, training):
    """Flatten (NCHW order), then linear-ReLU-dropout for every layer but the last, which gives the logits."""
    x = torch.flatten(x, 1)
    for layer in layers[:-1]:
        x = F.dropout(F.relu(layer(x)), rate, training)
    return layers[-1](x)


class Seed(nn.Module):
    """`seed`: four conv3x3-BN-ReLU-maxpool2 blocks (64-512), 4608-512-256-7, dropout 0.5."""

    def __init__(self, classes=CLASSES):
        super().__init__()
        widths = [1, 64, 128, 256, 512]
        for block in range(1, 5):
            setattr(self, f"conv{block}", nn.Conv2d(widths[block - 1], widths[block], 3, padding=1))
            setattr(self, f"bn{block}", nn.BatchNorm2d(widths[block]))
        add_dense_head(self, ["fc1", "fc2", "fc3"], [512 * 3 * 3, 512, 256, classes])

    def forward(self, x):
        for block in range(1, 5):
            x = F.max_pool2d(F.relu(getattr(self, f"bn{block}")(getattr(self, f"conv{block}")(x))), 2)
        return dense_head([self.fc1, self.fc2, self.fc3], x, 0.5, self.training)


class VggFer(nn.Module):
    """`vgg-fer`: Khaireddin & Chen 2021, four stages of two conv3x3-BN-ReLU and a max-pool
    (conv1a, bn1a, conv1b, bn1b, ...), then lin1 4608-4096, lin2 4096-4096, lin3 4096-7 with
    dropout 0.2."""

    def __init__(self, classes=CLASSES):
        super().__init__()
        widths = [1, 64, 128, 256, 512]
        for stage in range(1, 5):
            for half, in_channels in (("a", widths[stage - 1]), ("b", widths[stage])):
                setattr(self, f"conv{stage}{half}", nn.Conv2d(in_channels, widths[stage], 3, padding=1))
                setattr(self, f"bn{stage}{half}", nn.BatchNorm2d(widths[stage]))
        add_dense_head(self, ["lin1", "lin2", "lin3"], [512 * 3 * 3, 4096, 4096, classes])

    def forward(self, x):
        for stage in range(1, 5):
            for half in "ab":
                x = F.relu(getattr(self, f"bn{stage}{half}")(getattr(self, f"conv{stage}{half}")(x)))
            x = F.max_pool2d(x, 2)
        return dense_head([self.lin1, self.lin2, self.lin3], x, 0.2, self.training)


class SqueezeExcitation(nn.Module):
    """Global average pool -> fc1 (C/r) -> ReLU -> fc2 (C) -> sigmoid, scaling the channels."""

    def __init__(self, channels, reduction):
        super().__init__()
        self.fc1 = nn.Linear(channels, max(channels // reduction, 1))
        self.fc2 = nn.Linear(max(channels // reduction, 1), channels)

    def forward(self, x):
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3))))))
        return x * s[:, :, None, None]


class BasicBlock(nn.Module):
    """conv3x3(stride)-BN-ReLU-conv3x3-BN [-SE] + shortcut, then ReLU; the shortcut is a 1x1
    conv (stride) and batch norm (`shortcut.0`, `shortcut.1`) where the shape changes."""

    def __init__(self, in_planes, planes, stride=1, se_reduction=None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = SqueezeExcitation(planes, se_reduction) if se_reduction else None
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.se is not None:
            out = self.se(out)
        return F.relu(out + self.shortcut(x))


class ResNet18Fer(nn.Module):
    """`resnet18-fer`: 3x3 stem (64, no bias, no stem pool), layer1-layer4 of two basic blocks
    (64-512, strides 1-2-2-2), global average pool, `linear`."""

    def __init__(self, classes=CLASSES):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        in_planes = 64
        for stage, (planes, stride) in enumerate(zip([64, 128, 256, 512], [1, 2, 2, 2]), start=1):
            blocks = [BasicBlock(in_planes, planes, stride), BasicBlock(planes, planes)]
            setattr(self, f"layer{stage}", nn.Sequential(*blocks))
            in_planes = planes
        self.linear = nn.Linear(512, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}")(x)
        return self.linear(x.mean((2, 3)))


class ResNetFerSE(nn.Module):
    """`resnet-fer-se`: 3x3 stem (64, no bias), BN, ReLU, max-pool (48 -> 24), then one SE basic
    block per stage (64-512 at 24, 12, 6, 3 pixels; stages 2-4 start with a max-pool,
    `layerS.pool`), SE reduction 16, global average pool, dropout 0.2, `linear`."""

    def __init__(self, classes=CLASSES):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        in_planes = 64
        for stage, planes in enumerate([64, 128, 256, 512], start=1):
            children = OrderedDict()
            if stage > 1:
                children["pool"] = nn.MaxPool2d(2)
            children["0"] = BasicBlock(in_planes, planes, se_reduction=16)
            setattr(self, f"layer{stage}", nn.Sequential(children))
            in_planes = planes
        self.linear = nn.Linear(512, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}")(x)
        x = F.dropout(x.mean((2, 3)), 0.2, self.training)
        return self.linear(x)


# fer-cl's built-in name -> module, as `fer-cl models` lists them.
BUILTINS = {
    "seed": Seed,
    "vgg-fer": VggFer,
    "resnet18-fer": ResNet18Fer,
    "resnet-fer-se": ResNetFerSE,
}
